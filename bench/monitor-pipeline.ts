// The monitor bench's pipeline scenario (issue 12): a scraper → loader pipeline watched as the README says, on
// simulated time (every part takes the clock), against the fake Docker and a real PostgreSQL table.
// - stall_detect_s: after 14 days of healthy history (rows back-dated, as many lines scraped), the loader stops;
//   seconds of simulated time until a probe reports it (target: ≤ the ratio window + one check interval);
// - container_down_reminders: the loader container keeps dying until the repair budget is spent, then stays down
//   for an hour of simulated time: alerts about it sent after the escalation (target ≥ 1), and whether a
//   "resolved" goes out when it runs again (container_up_resolved).
import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { pino } from 'pino';
import { configSchema } from '../src/core/config.ts';
import { Queue } from '../src/core/queue/index.ts';
import type { Store } from '../src/core/store/index.ts';
import { Repairs } from '../src/monitor/actions/index.ts';
import { Alerts } from '../src/monitor/alerts/index.ts';
import { Probes } from '../src/monitor/checks/index.ts';
import { DockerWatch } from '../src/monitor/docker/index.ts';
import { MonitorEngine } from '../src/monitor/engine.ts';
import { Incidents } from '../src/monitor/incidents/index.ts';
import { loadRules, SHIPPED_RULES } from '../src/monitor/rules/index.ts';
import { startFakeDocker } from '../test/fakes/docker/index.ts';
import { createDatabase, startPostgres } from '../test/support/postgres.ts';
import { tempDir } from '../test/support/service.ts';
import { openSpec } from '../test/support/store-spec.ts';
import { figure, note } from './support.ts';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const INTERVAL = 30_000; // monitor.check_interval's default
const log = pino({ level: 'silent' });

export async function pipelineScenario(): Promise<void> {
  const server = process.env.DATABASE_URL ? null : await startPostgres({ fsync: false });
  const db = await createDatabase(process.env.DATABASE_URL ?? (server as { url: string }).url);
  const dir = tempDir('bench-monitor-pipeline-');
  try {
    const stall = await stallDetection(db.url, dir);
    const down = await containerDown(dir);
    note(
      `pipeline: 14 days of history (${stall.history} rows), the loader stopped; detected by ${stall.by} after ${stall.seconds} s (window 15m + interval 30s = 930 s)`,
    );
    note(
      `pipeline: loader container down with the repair budget spent, 1 h simulated: ${down.reminders} alert(s) about it after the escalation; resolved message when it ran again: ${down.resolved ? 'yes' : 'no'}`,
    );
    figure('stall_detect_s', stall.seconds, 's');
    figure('container_down_reminders', down.reminders, 'messages');
    figure('container_up_resolved', down.resolved ? 1 : 0, 'messages');
  } finally {
    await db.drop();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function stallDetection(url: string, dir: string): Promise<{ seconds: number; by: string; history: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const store = await openSpec({ kind: 'sqlite', dataDir: join(dir, 'probes') });
  let now = Date.now();
  const t0 = now;
  try {
    await client.query('create table items (id bigserial primary key, loaded_at timestamptz not null, body text)');
    await client.query('create index on items (loaded_at)');
    // 14 healthy days: a row every 2.5 minutes, back-dated; the scraper wrote one line for each.
    const history = Math.floor((14 * DAY) / (2.5 * MIN));
    await client.query(
      `insert into items (loaded_at, body) select $1::timestamptz - (g * interval '150 seconds'), 'x' from generate_series(1, $2) g`,
      [new Date(t0), history],
    );
    const scraped = join(dir, 'scraped.jsonl');
    writeFileSync(scraped, '{"url":"https://example.com/a"}\n'.repeat(history));
    const config = configSchema.parse({
      monitor: {
        probes: [
          { name: 'scraped', kind: 'lines', glob: join(dir, '*.jsonl'), unit: 'items', max_age: '6h' },
          {
            name: 'loaded',
            kind: 'sql_count',
            sql: 'select count(*) from items',
            database_url_env: 'LOADER_DB',
            unit: 'items',
            min_ratio_of: 'scraped',
            window: '15m',
          },
          {
            name: 'load_fresh',
            kind: 'sql_value',
            sql: 'select max(loaded_at) from items',
            database_url_env: 'LOADER_DB',
            max_age: '1h',
          },
        ],
      },
    });
    const probes = new Probes({
      probes: config.monitor.probes,
      env: { LOADER_DB: url },
      intervalMs: INTERVAL,
      log,
      store,
      now: () => now,
    });
    try {
      let loading = true;
      let stoppedAt = 0;
      for (let tick = 0; tick < 400; tick++) {
        now += INTERVAL;
        // Every check interval the scraper writes 4 items; the loader loads them while it runs.
        appendFileSync(scraped, '{"url":"https://example.com/b"}\n'.repeat(4));
        if (loading)
          await client.query(`insert into items (loaded_at, body) select $1, 'x' from generate_series(1, 4)`, [
            new Date(now),
          ]);
        const problems = (await probes.check.run()).flatMap((r) => (r.ok ? [] : [r.finding]));
        if (loading && problems.length > 0)
          throw new Error(`a healthy pipeline reported ${problems.map((f) => f.message).join('; ')}`);
        if (loading && now - t0 >= 30 * MIN) {
          loading = false; // the loader stops after half an hour of watching
          stoppedAt = now;
        }
        if (!loading && problems.length > 0)
          return {
            seconds: Math.round((now - stoppedAt) / 1000),
            by: problems.map((f) => f.errorType).join('+'),
            history,
          };
      }
      throw new Error('the stalled loader was not detected within 200 simulated minutes');
    } finally {
      await probes.close();
    }
  } finally {
    await client.end();
    await store.close();
  }
}

async function containerDown(dir: string): Promise<{ reminders: number; resolved: boolean }> {
  const docker = await startFakeDocker();
  const store: Store = await openSpec({ kind: 'sqlite', dataDir: join(dir, 'docker') });
  let now = Date.now();
  const clock = (): number => now;
  try {
    docker.add({ name: 'loader' });
    const d = configSchema.parse({}); // the defaults: breaker 5 repairs in 15m, critical reminders every 1h
    const watch = new DockerWatch({
      socket: docker.socketPath,
      containers: [{ name: 'loader', logs: false, restart: true }],
      store,
      log,
      intervalMs: INTERVAL,
      onResults: async () => {},
      onRecords: async () => {},
    });
    const incidents = new Incidents(store, { journal: null, log, now: clock });
    const alerts = new Alerts({
      store,
      log,
      chats: [1001],
      groupWaitMs: 10_000,
      repeatMs: d.alerts.repeat,
      now: clock,
      lang: 'en',
    });
    const queue = new Queue({
      store,
      log,
      pollMs: 1000,
      leaseMs: 60_000,
      maxAttempts: 3,
      backoff: { baseMs: 1000, capMs: 1000 },
    });
    const repairs = new Repairs({
      store,
      queue,
      log,
      allowedRoots: [dir],
      owner: '',
      dataDir: dir,
      docker: watch.api,
      botApi: { apiRoot: 'http://127.0.0.1:9', token: null },
      dryRun: false,
      breaker: {
        maxRepairs: d.monitor.breaker.max_repairs,
        windowMs: d.monitor.breaker.window,
        healthyForMs: d.monitor.breaker.healthy_for,
      },
      now: clock,
      sleep: async () => {},
    });
    const engine = new MonitorEngine({ incidents, alerts, repairs, rules: loadRules(SHIPPED_RULES), log });
    const tick = async (): Promise<void> => {
      now += INTERVAL;
      await engine.onCheckResults(await watch.check.run());
      await engine.settle();
      now += 10_000; // group_wait
      await alerts.flush();
    };
    const aboutLoader = async (): Promise<string[]> =>
      (await sql<{ text: string }>`select text from outbox order by id`.execute(store.db)).rows
        .map((r) => r.text)
        .filter((t) => t.includes('loader'));

    // It dies again after each restart until the budget is spent (the breaker opens and escalates).
    let escalatedAt = -1;
    for (let i = 0; i < 40 && escalatedAt < 0; i++) {
      if ((await watch.api?.inspect('loader'))?.status === 'running') docker.exit('loader', 137);
      await tick();
      if ((await aboutLoader()).some((t) => /budget|breaker|stopp|repairs/i.test(t)))
        escalatedAt = (await aboutLoader()).length;
    }
    if (escalatedAt < 0) throw new Error(`no escalation after the repair budget: ${(await aboutLoader()).join(' | ')}`);
    docker.exit('loader', 137);
    // An hour of simulated time with the loader down.
    for (let i = 0; i < (60 * MIN) / (INTERVAL + 10_000); i++) await tick();
    const reminders = (await aboutLoader()).length - escalatedAt;
    note(
      `pipeline: messages about the loader up to the escalation: ${(await aboutLoader())
        .slice(0, escalatedAt)
        .map((t) => t.split('\n').slice(0, 2).join(' / '))
        .join(' | ')}`,
    );
    // It runs again.
    docker.start('loader');
    const before = (await aboutLoader()).length;
    await tick();
    await tick();
    const after = await aboutLoader();
    const resolved = after.slice(before).some((t) => /resolved|✅/i.test(t));
    return { reminders, resolved };
  } finally {
    await store.close();
    await docker.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await pipelineScenario();
