// The poster as the service runs it, alone in a process the poster benchmark kills: the queue with the default
// settings, the content module's publish timeout, lease and stale-sending age, the real per-chat pace, and the
// heartbeat rows through which a restarted process takes its dead predecessor's jobs back (the first written before
// the poster claims anything, as src/main.ts does).
import { configSchema } from '../src/core/config.ts';
import { Heartbeats } from '../src/core/heartbeat.ts';
import type { Module } from '../src/core/module.ts';
import { Queue } from '../src/core/queue/index.ts';
import { openStore } from '../src/core/store/index.ts';
import { Poster, telegramPublishApi } from '../src/pipeline/content/index.ts';
import type { StoreSpec } from '../test/support/store-spec.ts';
import { quietLog } from './support.ts';

export interface PosterChildOptions {
  spec: StoreSpec;
  apiRoot: string;
  token: string;
  telegramFileId: string;
  adminChatId: number;
}

/** What src/pipeline/content/module.ts gives the poster (PUBLISH_TIMEOUT_SECONDS and what follows from it). */
const PUBLISH_TIMEOUT_SECONDS = 60;

const options = JSON.parse(process.env.POSTER_BENCH_CHILD ?? '{}') as PosterChildOptions;
const config = configSchema.parse({ paths: { data: options.spec.dataDir } });
// The bench migrated the store: opening it without the migrations (and the modules they import) keeps each of the
// fifty restarts short.
const store = openStore({
  dataDir: config.paths.data,
  databaseUrl: options.spec.databaseUrl,
  sqliteSynchronous: config.store.sqlite_synchronous,
  busyTimeoutMs: config.store.busy_timeout_ms,
  poolSize: config.store.pool_size,
});
const log = await quietLog();
const q = config.queue;
const queue = new Queue({
  store,
  log,
  pollMs: q.poll_ms,
  leaseMs: q.lease_seconds * 1000,
  maxAttempts: q.max_attempts,
  backoff: { baseMs: q.backoff_base_seconds * 1000, capMs: q.backoff_cap_seconds * 1000 },
});
const poster = new Poster({
  store,
  queue,
  api: await telegramPublishApi({
    apiRoot: options.apiRoot,
    token: options.token,
    timeoutSeconds: PUBLISH_TIMEOUT_SECONDS,
  }),
  videoOf: async () => ({ telegramFileId: options.telegramFileId }),
  admins: [{ chatId: options.adminChatId, lang: 'en' }],
  missedGraceMs: config.content.missed_grace,
  log,
  staleSendingMs: Math.max(PUBLISH_TIMEOUT_SECONDS * 1000, q.lease_seconds * 1000) * 2,
  leaseMs: Math.max((PUBLISH_TIMEOUT_SECONDS + 30) * 1000, q.lease_seconds * 1000),
});
const content: Module = {
  name: 'content',
  start: async () => {},
  stop: async () => {},
  status: () => ({ state: 'running' }),
};
const heartbeats = new Heartbeats(store, [content], log, queue.workerId);
await heartbeats.beat();
await poster.start();
heartbeats.start();
process.stdout.write('ready\n');
