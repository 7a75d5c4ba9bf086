// One process of the PostgreSQL queue benchmark: enqueues its share, waits for "go", works until the queue is empty.
import { z } from 'zod';
import { Queue, defineQueue } from '../src/core/queue/index.ts';
import { openSpec } from '../test/support/store-spec.ts';
import type { StoreSpec } from '../test/support/store-spec.ts';
import { quietLog } from './support.ts';

// Preloaded jobs (bench/queue.ts) are rows with an empty payload.
const BENCH_QUEUE = defineQueue({ name: 'bench', payload: z.object({ i: z.number().optional() }), key: () => null });
const { spec, jobs, concurrency } = JSON.parse(process.env.BENCH_WORKER ?? '{}') as {
  spec: StoreSpec;
  jobs: number;
  concurrency: number;
};
const store = await openSpec(spec);
const queue = new Queue({
  store,
  log: await quietLog(),
  pollMs: 20,
  leaseMs: 60_000,
  maxAttempts: 3,
  backoff: { baseMs: 100, capMs: 1000 },
});
process.stdout.write('ready\n');
await new Promise<void>((ok) => process.stdin.once('data', () => ok()));

let done = 0;
queue.work(BENCH_QUEUE, async () => void done++, { concurrency });
// Eight producers at a time, as concurrent uploads or album items enqueue.
for (let i = 0; i < jobs; i += 8) {
  await Promise.all(Array.from({ length: Math.min(8, jobs - i) }, (_, k) => queue.enqueue(BENCH_QUEUE, { i: i + k })));
}
// Leave when nothing is waiting or active (an indexed probe, not a count over the table).
for (;;) {
  await new Promise((r) => setTimeout(r, 50));
  if ((await queue.list({ queue: 'bench', states: ['waiting', 'active'] }, 1)).length === 0) break;
}
await queue.stop(5000);
await store.close();
process.stdout.write(`done ${done}\n`);
process.exit(0);
