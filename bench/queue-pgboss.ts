// Our queue and pg-boss side by side on one PostgreSQL server (a database each), in this process, with the same job
// shape (a small JSON payload, a handler that only counts) and the same concurrency (8 jobs at once): the jobs are
// inserted first, then the drain (claim, run, complete) is timed. pg-boss 10 fetches a batch, hands it to the handler
// and completes it; between fetches it waits its polling interval (at least 0.5 s) unless notified, so its handler
// notifies its own worker: it fetches again at once, as ours does while it finds work. That is pg-boss at its fastest.
import { sql } from 'kysely';
import PgBoss from 'pg-boss';
import { z } from 'zod';
import { Queue, defineQueue } from '../src/core/queue/index.ts';
import { createDatabase } from '../test/support/postgres.ts';
import { tempDir } from '../test/support/service.ts';
import { openSpec } from '../test/support/store-spec.ts';
import { quietLog } from './support.ts';

const QUEUE = defineQueue({ name: 'bench', payload: z.object({ i: z.number() }), key: () => null });
export const CONCURRENCY = 8;

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 2));
}

/** Jobs per second through our queue: one process, concurrency 8, preloaded jobs. */
export async function oursDrain(serverUrl: string, jobs: number): Promise<number> {
  const database = await createDatabase(serverUrl);
  const store = await openSpec({ kind: 'postgres', dataDir: tempDir('bench-ours-'), databaseUrl: database.url });
  try {
    const now = Date.now();
    await sql`insert into jobs (queue, payload, state, priority, run_at, attempts, max_attempts, backoff_base_ms, backoff_cap_ms, created_at, updated_at)
      select 'bench', json_build_object('i', g)::text, 'waiting', 0, ${now}, 0, 3, 100, 1000, ${now}, ${now} from generate_series(1, ${jobs}) g`.execute(
      store.db,
    );
    // The same polling interval pg-boss is given; neither waits while it finds work.
    const queue = new Queue({
      store,
      log: await quietLog(),
      pollMs: 500,
      leaseMs: 60_000,
      maxAttempts: 3,
      backoff: { baseMs: 100, capMs: 1000 },
    });
    let done = 0;
    const t0 = performance.now();
    queue.work(QUEUE, async () => void done++, { concurrency: CONCURRENCY });
    await until(() => done >= jobs);
    const seconds = (performance.now() - t0) / 1000;
    await queue.stop(5000);
    return jobs / seconds;
  } finally {
    await store.close();
    await database.drop();
  }
}

/** Jobs per second through pg-boss: one process, 8 jobs at once, preloaded jobs. */
export async function pgBossDrain(serverUrl: string, jobs: number): Promise<number> {
  const database = await createDatabase(serverUrl);
  const boss = new PgBoss({ connectionString: database.url, supervise: false, schedule: false, max: 10 });
  boss.on('error', (err: Error) => process.stderr.write(`pg-boss: ${err.message}\n`));
  try {
    await boss.start();
    await boss.createQueue('bench');
    for (let i = 0; i < jobs; i += 1000) {
      const chunk = Array.from({ length: Math.min(1000, jobs - i) }, (_, k) => ({ name: 'bench', data: { i: i + k } }));
      await boss.insert(chunk);
    }
    let done = 0;
    let workerId = '';
    const t0 = performance.now();
    workerId = await boss.work<{ i: number }>(
      'bench',
      { batchSize: CONCURRENCY, pollingIntervalSeconds: 0.5 },
      async (batch) => {
        await Promise.all(batch.map(async () => void done++));
        boss.notifyWorker(workerId);
      },
    );
    await until(() => done >= jobs);
    // Its completions are written after the handler returns: wait for the last batch's.
    while ((await boss.getQueueSize('bench', { before: 'completed' })) > 0) await new Promise((r) => setTimeout(r, 2));
    return jobs / ((performance.now() - t0) / 1000);
  } finally {
    await boss.stop({ graceful: false, wait: true, close: true });
    await database.drop();
  }
}
