// Batch progress read from the store: the batch's files, their item outcomes and their invoice jobs, summarised
// by progress.ts. Used by GET /batches/:id, /batch, the Telegram summary and `centinela status`.
import type { Store } from '../../../core/store/index.ts';
import { NEXT_QUEUE, pipelineJobKey } from '../download-job.ts';
import { IntakeRecords } from '../records.ts';
import type { BatchRow, FileRow } from '../records.ts';
import { fileProgress, isLive, summariseBatch } from './progress.ts';
import type { BatchProgress, PipelineJob } from './progress.ts';
import { ItemOutcomes } from './records.ts';

const CHUNK = 500;

export async function loadBatchProgress(store: Store, batchId: string, now = Date.now()): Promise<BatchProgress | null> {
  const records = new IntakeRecords(store);
  const batch = await records.batch(batchId);
  return batch ? progressOf(store, batch, await records.batchFiles(batchId), now) : null;
}

async function progressOf(store: Store, batch: BatchRow, files: FileRow[], now: number): Promise<BatchProgress> {
  const ids = files.map((f) => f.id);
  const [outcomes, jobs] = await Promise.all([new ItemOutcomes(store).forFiles(ids), invoiceJobs(store, files)]);
  return summariseBatch(
    batch,
    files.map((f) => fileProgress(f, outcomes.get(f.id) ?? [], jobs.get(f.id))),
    now,
  );
}

/** The invoice job of each file (the newest row per key), and whether any row for it is live. */
async function invoiceJobs(store: Store, files: FileRow[]): Promise<Map<number, PipelineJob>> {
  const byKey = new Map(files.filter((f) => f.purpose === 'invoice').map((f) => [pipelineJobKey('invoice', f.id), f.id]));
  const keys = [...byKey.keys()];
  const out = new Map<number, PipelineJob>();
  for (let i = 0; i < keys.length; i += CHUNK) {
    const rows = await store.db
      .selectFrom('jobs')
      .select(['key', 'state', 'last_error', 'finished_at'])
      .where('queue', '=', NEXT_QUEUE.invoice)
      .where('key', 'in', keys.slice(i, i + CHUNK))
      .orderBy('id')
      .execute();
    for (const r of rows) {
      const fileId = byKey.get(r.key ?? '');
      if (fileId === undefined) continue;
      const live = (out.get(fileId)?.live ?? false) || isLive(r.state);
      out.set(fileId, { state: r.state, lastError: r.last_error, finishedAt: r.finished_at, live });
    }
  }
  return out;
}

/**
 * Batches with work left: a file still arriving, or an invoice job waiting or running. Newest first, at most
 * `limit` (a status page, not a report).
 */
export async function batchesInProgress(store: Store, now = Date.now(), limit = 10): Promise<BatchProgress[]> {
  const records = new IntakeRecords(store);
  const live = await store.db.selectFrom('jobs').select('key').where('queue', '=', NEXT_QUEUE.invoice).where('state', 'in', ['waiting', 'active']).execute();
  const prefix = `${NEXT_QUEUE.invoice}:`;
  const fileIds = live.map((j) => Number((j.key ?? '').slice(prefix.length))).filter((id) => Number.isInteger(id) && id > 0);
  const batchIds = new Set<string>();
  const arriving = await records.db.selectFrom('files').select('batch_id').distinct().where('state', '=', 'received').execute();
  for (const r of arriving) if (r.batch_id) batchIds.add(r.batch_id);
  for (let i = 0; i < fileIds.length; i += CHUNK) {
    const rows = await records.db.selectFrom('files').select('batch_id').distinct().where('id', 'in', fileIds.slice(i, i + CHUNK)).execute();
    for (const r of rows) if (r.batch_id) batchIds.add(r.batch_id);
  }
  if (batchIds.size === 0) return [];
  const batches = await records.db.selectFrom('batches').selectAll().where('id', 'in', [...batchIds].slice(0, 1000)).orderBy('created_at', 'desc').limit(limit).execute();
  const out: BatchProgress[] = [];
  for (const b of batches) out.push(await progressOf(store, b, await records.batchFiles(b.id), now));
  return out;
}
