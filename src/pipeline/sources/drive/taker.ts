// Takes the files one page found: downloads them in batches of drive.batch_size to `.part` files (checksum checked),
// records each batch in the intake as source `drive` (its invoice jobs queued in the same transaction), and writes
// the page's bookkeeping — files seen, folder map, page token or listing cursor — in the transaction of its last
// batch. A crash before that commit re-reads the page; files already taken are known by Drive id + checksum.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Logger } from '../../../core/log.ts';
import type { Queue } from '../../../core/queue/index.ts';
import type { Database } from '../../../core/store/index.ts';
import { incomingDir, incomingFileName, safeName } from '../../intake/index.ts';
import type { FileRow, Followers, IntakeRecords } from '../../intake/index.ts';
import { recordInvoiceFiles } from '../record.ts';
import type { OnDisk } from '../record.ts';
import type { DriveApi, DriveFile } from './api.ts';
import { DriveCritical } from './errors.ts';
import type { SyncMetrics } from './metrics.ts';
import type { DriveState } from './state.ts';
import type { DriveFileRow, DriveFolderRow } from './tables.ts';

export interface Take {
  file: DriveFile;
  name: string;
  exportPdf: boolean;
  checksum: string;
  folderPath: string;
  known: DriveFileRow | undefined;
}

/** What one page found and what must be written with it. */
export interface Unit {
  takes: Take[];
  rows: DriveFileRow[];
  folders: { put: DriveFolderRow[]; gone: string[] };
  state: Record<string, string | null>;
}

export interface TakerDeps {
  dataDir: string;
  intakeRecords: IntakeRecords;
  queue: Queue;
  followers: Followers;
  state: DriveState;
  api: DriveApi;
  log: Logger;
  batchSize: number;
  sleepBetweenBatchMs: number;
  dryRun: boolean;
  metrics: SyncMetrics;
  signal?: AbortSignal;
}

export function partsDir(dataDir: string): string {
  return join(dataDir, 'drive-parts');
}

export class Taker {
  readonly #d: TakerDeps;
  /** Intake files this run recorded as stored (their invoice outcomes are counted at the end). */
  readonly stored: number[] = [];
  /** The intake batches this run recorded. */
  readonly batchIds: string[] = [];
  readonly wouldTake: Array<{ id: string; name: string; folder: string }> = [];
  #batches = 0;

  constructor(d: TakerDeps) {
    this.#d = d;
  }

  async commit(unit: Unit): Promise<void> {
    const d = this.#d;
    if (d.dryRun) {
      for (const t of unit.takes) this.wouldTake.push({ id: t.file.id, name: t.name, folder: t.folderPath });
      return;
    }
    const batches: Take[][] = [];
    for (let i = 0; i < unit.takes.length; i += d.batchSize) batches.push(unit.takes.slice(i, i + d.batchSize));
    if (batches.length === 0) batches.push([]);
    for (const [i, batch] of batches.entries()) {
      const last = i === batches.length - 1;
      if (batch.length > 0 && this.#batches++ > 0 && d.sleepBetweenBatchMs > 0)
        await sleep(d.sleepBetweenBatchMs, d.signal);
      await this.#batch(batch, last ? unit : null);
    }
  }

  async #batch(batch: Take[], unit: Unit | null): Promise<void> {
    const d = this.#d;
    const results = await Promise.all(batch.map((t) => this.#download(t)));
    const onDisk: Array<{ take: Take; disk: OnDisk }> = [];
    const rows: DriveFileRow[] = [...(unit?.rows ?? [])];
    for (const [i, r] of results.entries()) {
      const take = batch[i] as Take;
      if ('disk' in r) onDisk.push({ take, disk: r.disk });
      else rows.push(row(take, 'failed', r.error, null));
    }
    const bookkeeping = async (trx: Kysely<Database>, recorded: FileRow[]): Promise<void> => {
      const taken = onDisk.map((o, i) => row(o.take, 'taken', null, recorded[i]?.id ?? null));
      await d.state.putFiles([...taken, ...rows], trx);
      if (unit) {
        await d.state.putFolders(unit.folders.put, unit.folders.gone, trx);
        await d.state.set(unit.state, trx);
      }
    };
    try {
      if (onDisk.length === 0) {
        await d.state.db.transaction().execute(async (trx) => bookkeeping(trx as unknown as Kysely<Database>, []));
        return;
      }
      const { batch: recorded, files } = await recordInvoiceFiles(
        d.intakeRecords,
        d.queue,
        d.followers,
        'drive',
        {},
        onDisk.map((o) => o.disk),
        bookkeeping,
      );
      this.batchIds.push(recorded.id);
      for (const f of files) {
        if (f.state === 'duplicate') d.metrics.invoices_duplicate_total++;
        else this.stored.push(f.id);
      }
      for (const o of onDisk) {
        const t = o.take.file.modifiedTime;
        if (!d.metrics.max_modified_time_processed || t > d.metrics.max_modified_time_processed)
          d.metrics.max_modified_time_processed = t;
      }
    } catch (err) {
      // The store failed: nothing of the batch was recorded (recordInvoiceFiles removed its files); the page is
      // read again by the next run, since its token did not advance.
      d.metrics.batch_errors++;
      d.log.error({ err, files: batch.length }, 'drive: recording a batch failed; the next run takes it again');
      throw new DriveCritical(`recording a batch of Drive files in the store failed: ${(err as Error).message}`);
    }
  }

  async #download(t: Take): Promise<{ disk: OnDisk } | { error: string }> {
    const d = this.#d;
    const parts = partsDir(d.dataDir);
    await mkdir(parts, { recursive: true });
    const part = join(parts, `${process.pid}-${randomBytes(6).toString('hex')}.part`);
    try {
      const got = await d.api.download(t.file, part, t.exportPdf);
      if (got.size === 0) throw new Error('the file is empty');
      const dir = incomingDir(d.dataDir);
      await mkdir(dir, { recursive: true });
      const name = safeName(t.name);
      const path = join(dir, incomingFileName(name));
      await rename(part, path);
      d.metrics.files_downloaded++;
      return {
        disk: {
          fileName: name,
          mimeType: t.exportPdf ? 'application/pdf' : t.file.mimeType || null,
          size: got.size,
          path,
          sha256: got.sha256,
          folder: t.folderPath,
        },
      };
    } catch (err) {
      if (err instanceof DriveCritical) throw err;
      await rm(part, { force: true });
      const reason = (err as Error).message;
      d.metrics.download_errors++;
      if (d.metrics.errors.length < 20) d.metrics.errors.push({ file_id: t.file.id, name: t.file.name, reason });
      d.log.warn(
        { drive_file: t.file.id, file: t.file.name, reason },
        'drive: file not taken; the next run tries again',
      );
      return { error: reason };
    }
  }
}

/** The drive_files row for a file taken, ignored or failed with this content. */
export function row(
  t: Take,
  take: DriveFileRow['take'],
  reason: string | null,
  intakeFileId: number | null,
): DriveFileRow {
  return {
    id: t.file.id,
    name: t.file.name,
    folder_path: t.folderPath,
    mime_type: t.file.mimeType,
    modified_time: t.file.modifiedTime,
    checksum: t.checksum,
    take,
    reason,
    intake_file_id: intakeFileId ?? t.known?.intake_file_id ?? null,
    attempts:
      take === 'failed'
        ? (t.known?.take === 'failed' && t.known.checksum === t.checksum ? t.known.attempts : 0) + 1
        : 0,
    state: 'in',
    updated_at: Date.now(),
  };
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
}
