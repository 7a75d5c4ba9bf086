// Crash: a worker process is SIGKILLed mid-job; another finishes every job after the lease expires, and each
// job's side effect happens exactly once. Concurrency: four processes drain one PostgreSQL queue.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO, cleanEnv } from '../../support/service.ts';
import { STORE_KINDS, createTestStore, eventually, testQueue } from '../../support/stores.ts';
import type { StoreSpec, TestStore } from '../../support/stores.ts';
import { anyQueue } from '../../support/queues.ts';

const CHILD = join(REPO, 'test/support/queue-child.ts');

function worker(
  spec: StoreSpec,
  opts: { queue: string; concurrency: number; leaseMs: number; sleepMs: number },
): { proc: ChildProcess; exit: Promise<number | null> } {
  const proc = spawn(process.execPath, [CHILD], {
    env: cleanEnv({ QUEUE_CHILD: JSON.stringify({ spec, ...opts }) }),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exit = new Promise<number | null>((ok) => proc.on('exit', (code) => ok(code)));
  return { proc, exit };
}

async function createEffectTables(t: TestStore): Promise<void> {
  await sql`create table effects (job_id bigint primary key, pid integer not null)`.execute(t.store.db);
  await sql`create table runs (job_id bigint not null, pid integer not null)`.execute(t.store.db);
}

async function count(t: TestStore, query: ReturnType<typeof sql<{ n: number }>>): Promise<number> {
  const { rows } = await query.execute(t.store.db);
  return Number(rows[0]?.n ?? 0);
}

describe.each(STORE_KINDS)('crash on %s', (kind) => {
  let t: TestStore | null = null;
  afterEach(async () => {
    await t?.cleanup();
    t = null;
  });

  it('finishes every job exactly once after a worker is killed mid-job', async () => {
    t = await createTestStore(kind);
    const store = t;
    await createEffectTables(store);
    const q = await testQueue(store.store);
    const ids: number[] = [];
    for (let i = 0; i < 40; i++) ids.push((await q.enqueue(anyQueue('crash'), { i })).job.id);

    const first = worker(store.spec, { queue: 'crash', concurrency: 4, leaseMs: 1500, sleepMs: 150 });
    // Kill it while jobs are in flight: some effects written, some jobs still active.
    await eventually(
      async () => (await count(store, sql<{ n: number }>`select count(*) as n from effects`)) >= 8,
      'first worker made progress',
    );
    await eventually(async () => (await q.list({ queue: 'crash', states: ['active'] })).length > 0, 'a job in flight');
    first.proc.kill('SIGKILL');
    expect(await first.exit).toBeNull();
    const inFlight = await q.list({ queue: 'crash', states: ['active'] });
    expect(inFlight.length).toBeGreaterThan(0);

    const second = worker(store.spec, { queue: 'crash', concurrency: 4, leaseMs: 1500, sleepMs: 0 });
    expect(await second.exit).toBe(0);

    const jobs = await q.list({ queue: 'crash' }, 1000);
    expect(jobs.map((j) => j.state).every((s) => s === 'done')).toBe(true);
    expect(jobs.length).toBe(40);
    // Every job took effect exactly once...
    expect(await count(store, sql<{ n: number }>`select count(*) as n from effects`)).toBe(40);
    expect(await count(store, sql<{ n: number }>`select count(distinct job_id) as n from runs`)).toBe(40);
    // ...although the jobs that were in flight at the kill ran twice (at-least-once delivery).
    for (const j of inFlight) expect((await q.get(j.id))?.attempts).toBe(2);
    expect(await count(store, sql<{ n: number }>`select count(*) as n from runs`)).toBe(40 + inFlight.length);
    await q.stop(1000);
  });
});

describe('concurrency on postgres', () => {
  let t: TestStore | null = null;
  afterEach(async () => {
    await t?.cleanup();
    t = null;
  });

  it('four processes drain 2,000 jobs and none runs twice', async () => {
    t = await createTestStore('postgres');
    const store = t;
    await createEffectTables(store);
    const q = await testQueue(store.store);
    await sql`insert into jobs (queue, payload, state, priority, run_at, attempts, max_attempts, backoff_base_ms, backoff_cap_ms, created_at, updated_at)
      select 'drain', '{}', 'waiting', 0, ${Date.now()}, 0, 5, 10, 100, ${Date.now()}, ${Date.now()} from generate_series(1, 2000)`.execute(
      store.store.db,
    );
    const workers = [1, 2, 3, 4].map(() =>
      worker(store.spec, { queue: 'drain', concurrency: 4, leaseMs: 30_000, sleepMs: 0 }),
    );
    for (const w of workers) expect(await w.exit).toBe(0);

    expect(await count(store, sql<{ n: number }>`select count(*) as n from runs`)).toBe(2000);
    expect(await count(store, sql<{ n: number }>`select count(distinct job_id) as n from runs`)).toBe(2000);
    expect(await count(store, sql<{ n: number }>`select count(*) as n from jobs where state = 'done'`)).toBe(2000);
    const perProcess = await sql<{ pid: number; n: number }>`select pid, count(*) as n from runs group by pid`.execute(
      store.store.db,
    );
    expect(perProcess.rows.length).toBe(4);
    for (const row of perProcess.rows) expect(Number(row.n)).toBeGreaterThan(0);
    await q.stop(1000);
  });
});
