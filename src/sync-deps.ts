// What a Drive sync run needs from the rest of the service, for `centinela sync`, the schedule and /sync alike: the
// intake and its followers to record files into, and the invoice pipeline's outcomes of the batches it recorded.
import type { Config, Secrets } from './core/config.ts';
import type { Logger } from './core/log.ts';
import type { Queue } from './core/queue/index.ts';
import type { Store } from './core/store/index.ts';
import { pipelineFollowers } from './followers.ts';
import { IntakeRecords } from './pipeline/intake/index.ts';
import { loadBatchProgress } from './pipeline/invoices/index.ts';
import type { OutcomeCounts } from './pipeline/sources/index.ts';
import type { loadDrive } from './pipeline/sources/index.ts';

type SyncDeps = Parameters<Awaited<ReturnType<typeof loadDrive>>['runSync']>[0];

export function syncDeps(
  config: Config,
  secrets: Secrets,
  store: Store,
  queue: Queue,
  log: Logger,
  signal?: AbortSignal,
): SyncDeps {
  return {
    config,
    credentials: secrets.GOOGLE_APPLICATION_CREDENTIALS,
    store,
    queue,
    followers: pipelineFollowers(config, store),
    intakeRecords: new IntakeRecords(store),
    log,
    outcomes: (batchIds) => invoiceOutcomes(store, batchIds),
    signal,
  };
}

/** Per invoice (a CSV counts once per row), and the files whose invoice job has not finished yet. */
async function invoiceOutcomes(store: Store, batchIds: string[]): Promise<OutcomeCounts> {
  const counts: OutcomeCounts = { ok: 0, duplicate: 0, review: 0, error: 0, pending: 0 };
  for (const id of batchIds) {
    const p = await loadBatchProgress(store, id);
    if (!p) continue;
    counts.ok += p.outcomes.ok;
    counts.duplicate += p.outcomes.duplicate;
    counts.review += p.outcomes.review;
    counts.error += p.outcomes.error;
    counts.pending += p.counts.pending;
  }
  return counts;
}
