// Batch progress read from the store: the batch's files, their item outcomes and their invoice jobs, summarised
// by progress.ts. Used by GET /batches/:id, /batch, the Telegram summary and `centinela status`.
import { JobRecords } from '../../../core/queue/index.ts';
import type { Store } from '../../../core/store/index.ts';
import { NEXT_QUEUE } from '../download-job.ts';
import { IntakeRecords } from '../records.ts';
import type { BatchRow, FileRow } from '../records.ts';
import { fileProgress, heldUntil, isLive, summariseBatch } from './progress.ts';
import type { BatchProgress, PipelineJob } from './progress.ts';
import { ItemOutcomes } from './records.ts';

const CHUNK = 500;

export async function loadBatchProgress(store: Store, batchId: string, now = Date.now()): Promise<BatchProgress | null> {
  const batch = await new IntakeRecords(store).batch(batchId);
  return batch ? batchProgress(store, batch, now) : null;
}

/** The progress of a batch already read. */
export async function batchProgress(store: Store, batch: BatchRow, now = Date.now()): Promise<BatchProgress> {
  return (await progressOf(store, [batch], now))[0] as BatchProgress;
}

/** The progress of each batch, in their order: one read each of their files, outcomes and invoice jobs. */
async function progressOf(store: Store, batches: readonly BatchRow[], now: number): Promise<BatchProgress[]> {
  if (batches.length === 0) return [];
  const files = await new IntakeRecords(store).db.selectFrom('files').selectAll().where('batch_id', 'in', batches.map((b) => b.id)).orderBy('id').execute();
  const [outcomes, jobs] = await Promise.all([new ItemOutcomes(store).forFiles(files.map((f) => f.id)), invoiceJobs(store, files, now)]);
  return batches.map((batch) =>
    summariseBatch(
      batch,
      files.filter((f) => f.batch_id === batch.id).map((f) => fileProgress(f, outcomes.get(f.id) ?? [], jobs.get(f.id))),
      now,
    ),
  );
}

/** The invoice job of each file (the newest job per file), and whether any job for it is live. */
async function invoiceJobs(store: Store, files: FileRow[], now: number): Promise<Map<number, PipelineJob>> {
  const payloads = files.filter((f) => f.purpose === 'invoice').map((f) => ({ fileId: f.id }));
  const out = new Map<number, PipelineJob>();
  for (const r of await new JobRecords(store).of(NEXT_QUEUE.invoice, { payloads })) {
    const fileId = r.payload?.fileId;
    if (fileId === undefined) continue;
    const before = out.get(fileId);
    const live = (before?.live ?? false) || isLive(r.state);
    const held = isLive(r.state) ? heldUntil({ state: r.state, run_at: r.runAt, lease_until: r.leaseUntil, updated_at: r.updatedAt }, now) : null;
    const blockedUntil = before?.blockedUntil && held ? Math.max(before.blockedUntil, held) : (held ?? before?.blockedUntil ?? null);
    out.set(fileId, { state: r.state, lastError: r.lastError, finishedAt: r.finishedAt, live, blockedUntil });
  }
  return out;
}

/**
 * Batches with work left: a file still arriving, or an invoice job waiting or running. Newest first, at most
 * `limit` (a status page, not a report).
 */
export async function batchesInProgress(store: Store, now = Date.now(), limit = 10): Promise<BatchProgress[]> {
  const records = new IntakeRecords(store);
  const live = await new JobRecords(store).of(NEXT_QUEUE.invoice, { states: ['waiting', 'active'] });
  const fileIds = live.map((j) => j.payload?.fileId).filter((id) => id !== undefined);
  const batchIds = new Set<string>();
  const arriving = await records.db.selectFrom('files').select('batch_id').distinct().where('state', '=', 'received').execute();
  for (const r of arriving) if (r.batch_id) batchIds.add(r.batch_id);
  for (let i = 0; i < fileIds.length; i += CHUNK) {
    const rows = await records.db.selectFrom('files').select('batch_id').distinct().where('id', 'in', fileIds.slice(i, i + CHUNK)).execute();
    for (const r of rows) if (r.batch_id) batchIds.add(r.batch_id);
  }
  if (batchIds.size === 0) return [];
  const batches = await records.db.selectFrom('batches').selectAll().where('id', 'in', [...batchIds].slice(0, 1000)).orderBy('created_at', 'desc').limit(limit).execute();
  return progressOf(store, batches, now);
}
