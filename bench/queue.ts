// Benchmark of the foundation (issue 2): queue throughput on SQLite (1 process) and PostgreSQL (4 processes),
// `centinela start` to a 200 /healthz, and an idle service's memory and CPU. Issue 19: our queue against pg-boss on
// one PostgreSQL, same job shape and concurrency (bench/queue-pgboss.ts), and three worker processes on one PostgreSQL.
// Env: BENCH_JOBS (default 10000), BENCH_IDLE_SECONDS (default 60), BENCH_PGBOSS_JOBS (default 5000).
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { z } from 'zod';
import { Queue, defineQueue } from '../src/core/queue/index.ts';
import { startPostgres } from '../test/support/postgres.ts';
import { REPO, cleanEnv, freePort, tempDir } from '../test/support/service.ts';
import { openSpec } from '../test/support/store-spec.ts';
import type { StoreSpec } from '../test/support/store-spec.ts';
import { cpuSeconds, figure, median, note, quietLog, rssMb } from './support.ts';
import { CONCURRENCY, oursDrain, pgBossDrain } from './queue-pgboss.ts';

const BENCH_QUEUE = defineQueue({ name: 'bench', payload: z.object({ i: z.number() }), key: () => null });
const JOBS = Number(process.env.BENCH_JOBS ?? 10_000);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
const PGBOSS_JOBS = Number(process.env.BENCH_PGBOSS_JOBS ?? 5000);

async function sqliteThroughput(): Promise<number> {
  const dir = tempDir('bench-sqlite-');
  const store = await openSpec({ kind: 'sqlite', dataDir: dir });
  const queue = new Queue({
    store,
    log: await quietLog(),
    pollMs: 1000,
    leaseMs: 60_000,
    maxAttempts: 3,
    backoff: { baseMs: 100, capMs: 1000 },
  });
  let done = 0;
  const t0 = performance.now();
  queue.work(BENCH_QUEUE, async () => void done++, { concurrency: 8 });
  for (let i = 0; i < JOBS; i++) await queue.enqueue(BENCH_QUEUE, { i });
  while (done < JOBS) await new Promise((r) => setTimeout(r, 5));
  const seconds = (performance.now() - t0) / 1000;
  await queue.stop(1000);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return JOBS / seconds;
}

/** Jobs per second through `processes` workers; `preload` inserts the jobs first, so only claim+complete is timed. */
async function postgresThroughput(processes: number, preload: boolean): Promise<number> {
  // Default durable settings (fsync on, synchronous_commit on): the figure a real server gives.
  const pg = await startPostgres();
  try {
    const spec: StoreSpec = { kind: 'postgres', dataDir: tempDir('bench-pg-'), databaseUrl: pg.url };
    const migrated = await openSpec(spec); // migrate once before the workers race to
    if (preload) {
      const now = Date.now();
      await sql`insert into jobs (queue, payload, state, priority, run_at, attempts, max_attempts, backoff_base_ms, backoff_cap_ms, created_at, updated_at)
        select 'bench', '{}', 'waiting', 0, ${now}, 0, 3, 100, 1000, ${now}, ${now} from generate_series(1, ${JOBS})`.execute(
        migrated.db,
      );
    }
    await migrated.close();
    const share = preload ? 0 : Math.ceil(JOBS / processes);
    const children = Array.from({ length: processes }, () =>
      spawn(process.execPath, [join(import.meta.dirname, 'queue-worker.ts')], {
        env: cleanEnv({ BENCH_WORKER: JSON.stringify({ spec, jobs: share, concurrency: 8 }) }),
        stdio: ['pipe', 'pipe', 'inherit'],
      }),
    );
    await Promise.all(children.map((c) => waitForOutput(c.stdout, 'ready')));
    const t0 = performance.now();
    for (const c of children) c.stdin.write('go\n');
    await Promise.all(children.map((c) => new Promise((ok) => c.on('exit', ok))));
    return (preload ? JOBS : share * processes) / ((performance.now() - t0) / 1000);
  } finally {
    await pg.stop();
  }
}

function waitForOutput(stream: NodeJS.ReadableStream, text: string): Promise<void> {
  return new Promise((ok) => {
    let seen = '';
    stream.on('data', (d: Buffer) => {
      seen += d.toString();
      if (seen.includes(text)) ok();
    });
  });
}

/** Runs `npm start` as a user does (data, logs and media in a temp folder) and times it to a 200 /healthz. */
async function npmStart(): Promise<{ ms: number; pid: number; stop(): Promise<void> }> {
  const dir = tempDir('bench-start-');
  const port = await freePort();
  const env = cleanEnv({
    CENTINELA_HTTP_PORT: String(port),
    CENTINELA_PATHS_DATA: join(dir, 'data'),
    CENTINELA_PATHS_LOGS: join(dir, 'logs'),
    CENTINELA_PATHS_MEDIA: join(dir, 'media'),
    CENTINELA_LOG_STDOUT: 'false',
  });
  const t0 = performance.now();
  const npm = spawn('npm', ['start'], { cwd: REPO, env, stdio: 'ignore' });
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.status === 200) break;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  const ms = performance.now() - t0;
  // The service's own pid (npm and sh stand between): /status says it.
  const token = readFileSync(join(dir, 'data/api-token'), 'utf8').trim();
  const status = (await (
    await fetch(`http://127.0.0.1:${port}/status`, { headers: { authorization: `Bearer ${token}` } })
  ).json()) as { pid: number };
  return {
    ms,
    pid: status.pid,
    stop: async () => {
      process.kill(status.pid, 'SIGTERM');
      await new Promise((ok) => npm.on('exit', ok));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

note(`queue benchmark: ${JOBS} jobs each; node ${process.version}`);
const sqlite = await sqliteThroughput();
note(`sqlite, 1 process, concurrency 8: enqueue+claim+complete`);
const postgres = await postgresThroughput(4, false);
note('postgres (fsync on), 4 processes × concurrency 8, each enqueuing 8 at a time: enqueue+claim+complete');
const postgresDrain = await postgresThroughput(4, true);
note('postgres (fsync on), 4 processes × concurrency 8: claim+complete of preloaded jobs');

const workers3 = await postgresThroughput(3, true);
note('postgres (fsync on), 3 worker processes × concurrency 8: claim+complete of preloaded jobs');
// Ours, then pg-boss, then ours again on one server: the better of ours against pg-boss, so that a slower first
// run (a cold server) does not decide the ratio.
const server = await startPostgres();
let ours = 0;
let pgboss = 0;
try {
  ours = await oursDrain(server.url, PGBOSS_JOBS);
  pgboss = await pgBossDrain(server.url, PGBOSS_JOBS);
  ours = Math.max(ours, await oursDrain(server.url, PGBOSS_JOBS));
} finally {
  await server.stop();
}
note(
  `our queue and pg-boss on one postgres (fsync on), 1 process, ${CONCURRENCY} jobs at once, ${PGBOSS_JOBS} preloaded jobs each: ${Math.round(ours)} and ${Math.round(pgboss)} jobs/s`,
);

const starts: number[] = [];
for (let i = 0; i < 5; i++) {
  const s = await npmStart();
  starts.push(s.ms);
  await s.stop();
}
note(`npm start → 200 /healthz, 5 runs: ${starts.map((m) => Math.round(m)).join(', ')} ms`);

const idle = await npmStart();
await new Promise((r) => setTimeout(r, 5000)); // let start-up work settle
const cpu0 = cpuSeconds(idle.pid);
await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
const idleCpu = ((cpuSeconds(idle.pid) - cpu0) / IDLE_SECONDS) * 100;
const idleRss = rssMb(idle.pid);
await idle.stop();
note(`idle for ${IDLE_SECONDS} s`);

figure('sqlite_jobs_per_s', Math.round(sqlite), 'jobs/s');
figure('postgres_jobs_per_s_4proc', Math.round(postgres), 'jobs/s');
figure('postgres_drain_jobs_per_s_4proc', Math.round(postgresDrain), 'jobs/s');
figure('start_to_healthz_ms', Math.round(median(starts)), 'ms');
figure('idle_rss_mb', Math.round(idleRss), 'MB');
figure('idle_cpu_percent', idleCpu, '%');
figure('pgboss_jobs_per_s', Math.round(pgboss), 'jobs/s');
figure('queue_vs_pgboss', ours / pgboss, 'x');
figure('workers_3proc_jobs_per_s', Math.round(workers3), 'jobs/s');
