// What every invoice source does once its files are on our disk: record them as one batch, hand the stored
// ones to the invoice pipeline, and remove the files again if recording fails (nothing half-recorded).
import { rm } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import type { Queue } from '../../core/queue/index.ts';
import type { Database } from '../../core/store/index.ts';
import { handToPipeline } from '../intake/index.ts';
import type { BatchRow, FileKind, FileRow, Followers, IntakeRecords } from '../intake/index.ts';

/** File names the invoice sources take; the invoice job checks the bytes too. */
export const INVOICE_FILE_NAME = /\.(pdf|xml|csv|jpe?g|png|webp)$/i;

export function invoiceKindOf(name: string): FileKind {
  return /\.(jpe?g|png|webp)$/i.test(name) ? 'photo' : 'document';
}

export interface OnDisk {
  fileName: string;
  mimeType: string | null;
  size: number;
  path: string;
  sha256: string;
  /** Where the file was at its source (a Drive folder path); null or absent otherwise. */
  folder?: string | null;
}

export async function recordInvoiceFiles(
  intakeRecords: IntakeRecords,
  queue: Queue,
  followers: Followers,
  source: string,
  tags: Record<string, string>,
  files: OnDisk[],
  /** Runs in the recording transaction after the files' jobs are queued (a source's own bookkeeping). */
  also?: (trx: Kysely<Database>, rows: FileRow[]) => Promise<void>,
): Promise<{ batch: BatchRow; files: FileRow[] }> {
  let recorded;
  try {
    // The jobs are queued in the recording's transaction: all of the upload or none of it, even if the store goes.
    recorded = await intakeRecords.recordUpload(
      { source, purpose: 'invoice', tags },
      files.map((f) => ({ ...f, kind: invoiceKindOf(f.fileName) })),
      async (trx, rows) => {
        for (const f of rows) if (f.state === 'stored') await handToPipeline(queue, followers, f, trx);
        await also?.(trx, rows);
      },
    );
    const next = followers.invoice?.queue;
    if (next) queue.poke(next);
  } catch (err) {
    await Promise.all(files.map((f) => rm(f.path, { force: true })));
    throw err;
  }
  return recorded;
}
