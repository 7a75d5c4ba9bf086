// Batch progress read from the store: the batch's files (asked of the intake), their item outcomes and their
// invoice jobs (asked of the queue), summarised by progress.ts. Used by GET /batches/:id, /batch, the Telegram
// summary and `centinela status`.
import { JobRecords } from '../../../core/queue/index.ts';
import type { Store } from '../../../core/store/index.ts';
import { IntakeRecords } from '../../intake/index.ts';
import type { BatchRow, FileRow } from '../../intake/index.ts';
import { INVOICE_QUEUE } from '../queue.ts';
import { fileProgress, heldUntil, isLive, summariseBatch } from './progress.ts';
import type { BatchProgress, PipelineJob } from './progress.ts';
import { OutcomeRecords } from './records.ts';

export async function loadBatchProgress(
  store: Store,
  batchId: string,
  now = Date.now(),
): Promise<BatchProgress | null> {
  const batch = await new IntakeRecords(store).batch(batchId);
  return batch ? batchProgress(store, batch, now) : null;
}

/** The progress of a batch already read. */
export async function batchProgress(store: Store, batch: BatchRow, now = Date.now()): Promise<BatchProgress> {
  return (await progressOf(store, [batch], now))[0] as BatchProgress;
}

/** The progress of each batch, in their order: one read each of their files, outcomes and invoice jobs. */
export async function progressOf(store: Store, batches: readonly BatchRow[], now: number): Promise<BatchProgress[]> {
  if (batches.length === 0) return [];
  const files = await new IntakeRecords(store).filesOfBatches(batches.map((b) => b.id));
  const [outcomes, jobs] = await Promise.all([
    new OutcomeRecords(store).forFiles(files.map((f) => f.id)),
    invoiceJobs(store, files, now),
  ]);
  return batches.map((batch) =>
    summariseBatch(
      batch,
      files
        .filter((f) => f.batch_id === batch.id)
        .map((f) => fileProgress(f, outcomes.get(f.id) ?? [], jobs.get(f.id))),
      now,
    ),
  );
}

/** The invoice job of each file (the newest job per file), and whether any job for it is live. */
async function invoiceJobs(store: Store, files: FileRow[], now: number): Promise<Map<number, PipelineJob>> {
  const payloads = files.filter((f) => f.purpose === 'invoice').map((f) => ({ fileId: f.id }));
  const out = new Map<number, PipelineJob>();
  for (const r of await new JobRecords(store).of(INVOICE_QUEUE, { payloads })) {
    const fileId = r.payload?.fileId;
    if (fileId === undefined) continue;
    const before = out.get(fileId);
    const live = (before?.live ?? false) || isLive(r.state);
    const held = isLive(r.state)
      ? heldUntil({ state: r.state, run_at: r.runAt, lease_until: r.leaseUntil, updated_at: r.updatedAt }, now)
      : null;
    const blockedUntil =
      before?.blockedUntil && held ? Math.max(before.blockedUntil, held) : (held ?? before?.blockedUntil ?? null);
    out.set(fileId, { state: r.state, lastError: r.lastError, finishedAt: r.finishedAt, live, blockedUntil });
  }
  return out;
}

/**
 * Batches with work left: a file still arriving, or an invoice job waiting or running. Newest first, at most
 * `limit` (a status page, not a report).
 */
export async function batchesInProgress(store: Store, now = Date.now(), limit = 10): Promise<BatchProgress[]> {
  const live = await new JobRecords(store).of(INVOICE_QUEUE, { states: ['waiting', 'active'] });
  const fileIds = live.map((j) => j.payload?.fileId).filter((id) => id !== undefined);
  return progressOf(store, await new IntakeRecords(store).batchesWithWork(fileIds, limit), now);
}
