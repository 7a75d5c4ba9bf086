// A worker process for crash and concurrency tests. It works one queue until the queue is empty, then exits 0.
// Each job's side effect is a row in `effects` under a primary key (the idempotent write a real handler does),
// and every run is logged in `runs`, so the parent can tell "ran twice" from "took effect twice".
import { sql } from 'kysely';
import { anyQueue } from './queues.ts';
import { openChildQueue } from './child-queue.ts';
import type { StoreSpec } from './store-spec.ts';

interface ChildOptions {
  spec: StoreSpec;
  queue: string;
  concurrency: number;
  leaseMs: number;
  sleepMs: number;
}

const options = JSON.parse(process.env.QUEUE_CHILD ?? '{}') as ChildOptions;
const { store, queue } = await openChildQueue(options.spec, options.leaseMs);

queue.work(
  anyQueue(options.queue),
  async ({ job }) => {
    await sql`insert into runs (job_id, pid) values (${job.id}, ${process.pid})`.execute(store.db);
    await sql`insert into effects (job_id, pid) values (${job.id}, ${process.pid}) on conflict (job_id) do nothing`.execute(
      store.db,
    );
    if (options.sleepMs > 0) await new Promise((r) => setTimeout(r, options.sleepMs));
  },
  { concurrency: options.concurrency },
);
process.stdout.write('ready\n');

// Leave once nothing is waiting or active (leases of a killed worker count as active until they expire).
for (;;) {
  await new Promise((r) => setTimeout(r, 100));
  if ((await queue.list({ queue: options.queue, states: ['waiting', 'active'] }, 1)).length === 0) break;
}
await queue.stop(5000);
await store.close();
process.exit(0);
