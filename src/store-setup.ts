// The store with every capability's tables, and the queue on it: what the service and the CLI commands share.
// Each migration comes from its own file, so a command that only opens the store loads neither the bot, the
// monitor nor the pipelines (`centinela doctor` and `status` start in a fraction of the time).
import type { Config, Secrets } from './core/config.ts';
import type { Log } from './core/log.ts';
import type { Metrics } from './core/metrics.ts';
import { Queue } from './core/queue/index.ts';
import {
  StoreConfigError,
  coreMigration,
  jobsListingMigration,
  leasesMigration,
  migrateToLatest,
  openStore,
  settingsMigration,
  storeConfigProblem,
} from './core/store/index.ts';
import type { Store, StoreMigration, StoreOptions } from './core/store/index.ts';
import { outboxMigration } from './outbox/index.ts';
import { MONITOR_MIGRATIONS } from './monitor/migrations.ts';
import { fileCaptionMigration, intakeMigration } from './pipeline/intake/migrations.ts';
import { captionCostMigration, captionEditsMigration, postsMigration } from './pipeline/content/migrations.ts';
import { invoiceReviewsMigration, invoicesMigration, itemOutcomesMigration } from './pipeline/invoices/migrations.ts';
import { driveMigration } from './pipeline/sources/migrations.ts';
import { webMigration } from './web/migrations.ts';

/**
 * Every migration of every capability, in the order their names sort. A new one goes last with a name that sorts
 * last: a store that already ran the others refuses one that sorts before them (test/repository/migrations.test.ts).
 */
export const MIGRATIONS: readonly StoreMigration[] = [
  coreMigration,
  settingsMigration,
  intakeMigration,
  outboxMigration,
  invoicesMigration,
  invoiceReviewsMigration,
  postsMigration,
  captionCostMigration,
  ...MONITOR_MIGRATIONS,
  itemOutcomesMigration,
  captionEditsMigration,
  leasesMigration,
  fileCaptionMigration,
  driveMigration,
  webMigration,
  jobsListingMigration,
];

/** How to open the store the configuration names (`DATABASE_URL`, else SQLite in paths.data). */
export function storeOptions(config: Config, secrets: Secrets): StoreOptions {
  return {
    dataDir: config.paths.data,
    databaseUrl: secrets.DATABASE_URL,
    sqliteSynchronous: config.store.sqlite_synchronous,
    busyTimeoutMs: config.store.busy_timeout_ms,
    poolSize: config.store.pool_size,
  };
}

/** Opens the store with every migration applied; used by the service and by CLI commands. */
export async function openMigratedStore(config: Config, secrets: Secrets): Promise<Store> {
  let store: Store | null = null;
  try {
    store = openStore(storeOptions(config, secrets));
    await migrateToLatest(store.db as never, store.kind, MIGRATIONS);
  } catch (err) {
    await store?.close().catch(() => {});
    // A login, database name or TLS setting the server refuses is configuration: exit 78, not a restart loop.
    const problem = storeConfigProblem(err, secrets.DATABASE_URL);
    throw problem ? new StoreConfigError(problem) : err;
  }
  return store;
}

export function queueFor(config: Config, store: Store, log: Log, metrics?: Metrics): Queue {
  return new Queue({
    store,
    log: log.for('queue'),
    pollMs: config.queue.poll_ms,
    leaseMs: config.queue.lease_seconds * 1000,
    maxAttempts: config.queue.max_attempts,
    backoff: { baseMs: config.queue.backoff_base_seconds * 1000, capMs: config.queue.backoff_cap_seconds * 1000 },
    onFinish: metrics?.jobFinished,
  });
}
