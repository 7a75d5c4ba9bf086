// The monitor's periodic checks: disk (with hysteresis, and on a real tiny tmpfs), the Bot API server (fake
// Telegram), heartbeats and stalled queues/schedules on both stores, /healthz, and the pipeline probes (files and
// a read-only SQL count on the test PostgreSQL).
import { appendFileSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { configSchema } from '../../../src/core/config.ts';
import type { ProbeConfig } from '../../../src/core/config.ts';
import {
  Probes,
  botApiCheck,
  checkSelect,
  diskCheck,
  healthzCheck,
  heartbeatCheck,
  nextDiskLevel,
  stalledCheck,
} from '../../../src/monitor/checks/index.ts';
import type { CheckResult, Finding } from '../../../src/monitor/types.ts';
import { startFakeBotApi } from '../../fakes/telegram/index.ts';
import type { FakeBotApi } from '../../fakes/telegram/index.ts';
import { createDatabase } from '../../support/postgres.ts';
import type { TestDatabase } from '../../support/postgres.ts';
import { REPO, freePort, tempDir } from '../../support/service.ts';
import { STORE_KINDS, createTestStore, quietLog, testQueue } from '../../support/stores.ts';
import type { TestStore } from '../../support/stores.ts';
import { runOnTinyDisk } from '../../support/tiny-disk.ts';
import { buildStatus, formatStatus } from '../../../src/status.ts';
import { anyQueue } from '../../support/queues.ts';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const MIN = 60_000;

const findings = (results: CheckResult[]): Finding[] => results.flatMap((r) => (r.ok ? [] : [r.finding]));
/** 'ok' or the error type, per result, in order. */
const verdicts = (results: CheckResult[]): string[] => results.map((r) => (r.ok ? 'ok' : r.finding.errorType));

describe('disk check', () => {
  const t = { warnFree: 5 * GiB, criticalFree: 2 * GiB, clearMargin: 512 * MiB };

  it('escalates at once and clears only past the threshold plus the margin', () => {
    expect(nextDiskLevel('ok', 6 * GiB, t)).toBe('ok');
    expect(nextDiskLevel('ok', 4 * GiB, t)).toBe('warning');
    expect(nextDiskLevel('ok', 1 * GiB, t)).toBe('critical');
    expect(nextDiskLevel('critical', 2.2 * GiB, t)).toBe('critical');
    expect(nextDiskLevel('critical', 2.6 * GiB, t)).toBe('warning');
    expect(nextDiskLevel('critical', 6 * GiB, t)).toBe('ok');
    expect(nextDiskLevel('warning', 5.2 * GiB, t)).toBe('warning');
    expect(nextDiskLevel('warning', 5.6 * GiB, t)).toBe('ok');
    expect(nextDiskLevel('ok', 5.2 * GiB, t)).toBe('ok');
  });

  it('reports each path on its own: warning, critical with pause_intake, then back through the margin', async () => {
    const free = new Map<string, number>([
      ['/data', 6 * GiB],
      ['/media', 6 * GiB],
    ]);
    const check = diskCheck({
      paths: ['/data', '/media'],
      ...t,
      intervalMs: 30_000,
      statfs: async (p) => ({ free: free.get(p) ?? 0, size: 100 * GiB }),
    });
    expect(check.id).toBe('disk');
    const step = async (data: number): Promise<string[]> => {
      free.set('/data', data);
      return verdicts(await check.run());
    };
    expect(await step(6 * GiB)).toEqual(['ok', 'ok']);
    expect(await step(4 * GiB)).toEqual(['disk_low', 'ok']);
    const critical = await (async () => {
      free.set('/data', 1.5 * GiB);
      return findings(await check.run());
    })();
    expect(critical).toEqual([
      expect.objectContaining({
        rule: 'disk',
        errorType: 'disk_critical',
        severity: 'critical',
        target: '/data',
        fields: { path: '/data', free_bytes: String(1.5 * GiB), size_bytes: String(100 * GiB) },
        action: {
          type: 'pause_intake',
          params: { reason: expect.stringContaining('/data') },
          attempts: 1,
          backoffMs: [],
        },
        notify: 'on_failure',
      }),
    ]);
    expect(await step(2.2 * GiB)).toEqual(['disk_critical', 'ok']); // above 2 GiB but within the margin
    expect(await step(2.6 * GiB)).toEqual(['disk_low', 'ok']);
    const low = findings(await check.run())[0];
    expect(low).toMatchObject({ severity: 'warning', action: null, notify: 'always' });
    expect(low?.message).toContain('2.6 GiB free of 100.0 GiB');
    expect(await step(5.2 * GiB)).toEqual(['disk_low', 'ok']);
    expect(await step(5.6 * GiB)).toEqual(['ok', 'ok']);
  });

  it('refuses thresholds in the wrong order, and reports a path it cannot read', async () => {
    expect(() =>
      diskCheck({ paths: [], warnFree: GiB, criticalFree: 2 * GiB, clearMargin: 0, intervalMs: 1000 }),
    ).toThrow(/critical_free .* larger than disk.warn_free/);
    const check = diskCheck({
      paths: ['/x'],
      ...t,
      intervalMs: 1000,
      statfs: async () => Promise.reject(Object.assign(new Error('denied'), { code: 'EACCES' })),
    });
    expect(findings(await check.run())).toEqual([
      expect.objectContaining({
        errorType: 'disk_unreadable',
        target: '/x',
        message: expect.stringContaining('EACCES'),
      }),
    ]);
  });

  it('on a real 4 MiB tmpfs: filling it warns, then goes critical, and freeing it clears through the margin', async () => {
    const dir = tempDir('centinela-disk-');
    try {
      // The child runs the real check (default statfs) inside a private mount namespace; the script is fixed test code.
      const code = `
        const { diskCheck } = await import(${JSON.stringify(join(REPO, 'src/monitor/checks/index.ts'))});
        const fs = await import('node:fs');
        const dir = process.argv.at(-1);
        const check = diskCheck({ paths: [dir + '/not-yet-created'], warnFree: 3 * 2 ** 20, criticalFree: 2 ** 20, clearMargin: 256 * 1024, intervalMs: 1000 });
        const say = async () => console.log((await check.run()).map((r) => (r.ok ? 'ok' : r.finding.errorType)).join(','));
        await say();
        fs.writeFileSync(dir + '/a', Buffer.alloc(1.5 * 2 ** 20)); await say();
        fs.writeFileSync(dir + '/b', Buffer.alloc(2 * 2 ** 20)); await say();
        fs.rmSync(dir + '/b'); await say();
        fs.rmSync(dir + '/a'); await say();
      `;
      const run = await runOnTinyDisk('4m', dir, '--input-type=module', ['-e', code]);
      expect(run.stderr.replace(/.*ExperimentalWarning.*\n|.*--trace-warnings.*\n/g, '')).toBe('');
      expect(run.stdout.trim().split('\n')).toEqual(['ok', 'disk_low', 'disk_critical', 'disk_low', 'ok']);
      expect(run.code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Bot API check', () => {
  let fake: FakeBotApi;
  beforeEach(async () => {
    fake = await startFakeBotApi();
  });
  afterEach(async () => {
    await fake.close();
  });

  it('is critical only after 3 failed getMe in a row, never shows the token, and resolves on success', async () => {
    const check = botApiCheck({ apiRoot: `${fake.apiRoot}/`, token: fake.token, intervalMs: 10_000, failures: 3 });
    expect(await check.run()).toEqual([{ ok: true, rule: 'bot_api', target: fake.apiRoot }]);
    fake.fail('getMe', { status: 502 }, 3);
    expect(await check.run()).toEqual([]);
    expect(await check.run()).toEqual([]);
    const [down] = findings(await check.run());
    expect(down).toMatchObject({
      rule: 'bot_api',
      errorType: 'bot_api_down',
      severity: 'critical',
      target: fake.apiRoot,
      fields: { failures: '3' },
    });
    expect(down?.message).toContain('HTTP 502');
    expect(JSON.stringify(down)).not.toContain(fake.token);
    expect(await check.run()).toEqual([{ ok: true, rule: 'bot_api', target: fake.apiRoot }]);
    // The count starts over after a success.
    fake.fail('getMe', { status: 500 }, 2);
    expect(await check.run()).toEqual([]);
    expect(await check.run()).toEqual([]);
    expect(verdicts(await check.run())).toEqual(['ok']);
  });

  it('a refused port: unreachable, critical at the third try', async () => {
    const apiRoot = `http://127.0.0.1:${await freePort()}`;
    const check = botApiCheck({ apiRoot, token: fake.token, intervalMs: 10_000, failures: 3, timeoutMs: 2000 });
    expect(await check.run()).toEqual([]);
    expect(await check.run()).toEqual([]);
    const [down] = findings(await check.run());
    expect(down?.message).toMatch(/unreachable \(ECONNREFUSED\)/);
    expect(() => botApiCheck({ apiRoot, token: fake.token, intervalMs: 1, failures: 0 })).toThrow(/failures must be/);
  });
});

describe('healthz check', () => {
  let server: Server;
  let answer: { status: number; body: unknown };
  let seen: IncomingHttpHeaders[];
  let url: string;
  beforeAll(async () => {
    seen = [];
    server = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  it("ok on 200; service_down with the service's problems on 503; service_down when nothing listens", async () => {
    const check = healthzCheck({ url, intervalMs: 30_000, token: 'api-token-1' });
    answer = { status: 200, body: { status: 'ok' } };
    expect(await check.run()).toEqual([{ ok: true, rule: 'healthz', target: url }]);
    expect(seen.at(-1)?.authorization).toBe('Bearer api-token-1');
    answer = { status: 503, body: { status: 'unavailable', problems: ['store: unreachable', 'queue workers stuck'] } };
    const [down] = findings(await check.run());
    expect(down).toMatchObject({
      rule: 'healthz',
      errorType: 'service_down',
      severity: 'critical',
      target: url,
      fields: { status: '503' },
    });
    expect(down?.message).toContain('HTTP 503: store: unreachable; queue workers stuck');
    const gone = healthzCheck({ url: `http://127.0.0.1:${await freePort()}/healthz`, intervalMs: 30_000 });
    expect(findings(await gone.run())[0]?.message).toMatch(/unreachable \(ECONNREFUSED\)/);
    expect(() => healthzCheck({ url: 'localhost:8787', intervalMs: 1 })).toThrow(/monitor.watch_url/);
  });
});

describe.each(STORE_KINDS)('heartbeats and stalled stages on %s', (kind) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await createTestStore(kind);
  });
  afterEach(async () => {
    await t.cleanup();
  });

  const beat = (id: string, module: string, host: string, state: string, beatAt: number) =>
    t.store.db
      .insertInto('heartbeats')
      .values({
        id,
        module,
        host,
        pid: Number(id.split(':')[1]),
        state,
        detail: null,
        started_at: beatAt - 1000,
        beat_at: beatAt,
      })
      .execute();

  it('a heartbeat older than the limit is stale; the newest row of module@host counts; a clean stop is not an incident', async () => {
    const now = Date.now();
    await beat('a:100:bot', 'bot', 'a', 'running', now - 10 * MIN); // the process before a restart
    await beat('a:200:bot', 'bot', 'a', 'running', now - 30_000);
    await beat('a:200:invoices', 'invoices', 'a', 'running', now - 3 * MIN);
    await beat('b:300:monitor', 'monitor', 'b', 'stopped', now - 60 * MIN);
    const check = heartbeatCheck({ store: t.store, staleMs: 2 * MIN, intervalMs: 30_000, now: () => now });
    const results = await check.run();
    expect(results.filter((r) => r.ok).map((r) => (r.ok ? r.target : ''))).toEqual(['bot@a', 'monitor@b']);
    expect(findings(results)).toEqual([
      expect.objectContaining({
        rule: 'heartbeat',
        errorType: 'heartbeat_stale',
        target: 'invoices@a',
        fields: expect.objectContaining({ module: 'invoices', host: 'a', pid: '200' }),
      }),
    ]);
    expect(findings(results)[0]?.message).toContain('has not written a heartbeat for 3m');
    // Later, the bot is stale too.
    const later = heartbeatCheck({ store: t.store, staleMs: 2 * MIN, intervalMs: 30_000, now: () => now + 2 * MIN });
    expect(findings(await later.run()).map((f) => f.target)).toEqual(['bot@a', 'invoices@a']);
  });

  it('a queue with due work and no progress for stalled_after is stalled; progress, future jobs and fresh work are not', async () => {
    const queue = await testQueue(t.store);
    const t0 = Date.now();
    const at = (queueName: string, state: string, runAt: number, updatedAt: number, attempts = 0) =>
      t.store.db
        .updateTable('jobs')
        .set({ state: state as 'waiting', run_at: runAt, updated_at: updatedAt, attempts })
        .where('queue', '=', queueName)
        .execute();
    await queue.enqueue(anyQueue('videos'), { n: 1 }); // nobody ever worked this queue
    await at('videos', 'waiting', t0 - 20 * MIN, t0 - 20 * MIN);
    await queue.enqueue(anyQueue('invoices'), { n: 1 });
    await queue.enqueue(anyQueue('invoices'), { n: 2 });
    const [done] = await queue.list({ queue: 'invoices' }, 1);
    await at('invoices', 'waiting', t0 - 30 * MIN, t0 - 30 * MIN);
    await t.store.db
      .updateTable('jobs')
      .set({ state: 'done', updated_at: t0 - 5 * MIN, finished_at: t0 - 5 * MIN })
      .where('id', '=', done?.id ?? 0)
      .execute();
    await queue.enqueue(anyQueue('posts'), { n: 1 }, { runAt: t0 + 60 * MIN }); // scheduled for later: not waiting work
    await queue.enqueue(anyQueue('fresh'), { n: 1 });

    const check = (now: number) =>
      stalledCheck({ store: t.store, queue, stalledMs: 15 * MIN, intervalMs: 30_000, now: () => now });
    const first = await check(t0).run();
    expect(findings(first)).toEqual([
      expect.objectContaining({
        rule: 'queue_stalled',
        errorType: 'queue_stalled',
        severity: 'warning',
        target: 'videos',
        fields: { queue: 'videos', waiting: '1', oldest_waiting_seconds: String(20 * 60) },
      }),
    ]);
    expect(findings(first)[0]?.message).toContain('no job of it has ever been worked on');
    expect(first.filter((r) => r.ok).map((r) => (r.ok ? `${r.rule}|${r.target}` : ''))).toEqual([
      'queue_stalled|fresh',
      'queue_stalled|invoices',
      'queue_stalled|posts',
    ]);
    // Eleven minutes on, the invoices worker's last finish is 16 minutes old; the fresh job has waited 11.
    const later = findings(await check(t0 + 11 * MIN).run());
    expect(later.map((f) => f.target)).toEqual(['invoices', 'videos']);
    expect(later[0]?.message).toContain('the last progress was 16m ago');
  });

  it('a schedule not run for twice its interval is overdue', async () => {
    const queue = await testQueue(t.store);
    const t0 = Date.now();
    const schedule = (name: string, cron: string, nextRunAt: number) =>
      t.store.db
        .insertInto('schedules')
        .values({ name, queue: name, cron, tz: null, payload: 'null', next_run_at: nextRunAt, updated_at: t0 })
        .execute();
    await schedule('sync-drive', '*/5 * * * *', t0 - 6 * MIN); // due 6 min ago, every 5 min: overdue
    await schedule('report', '0 * * * *', t0 - 30 * MIN); // hourly, 30 min late: not yet
    await schedule('prune', '17 3 * * *', t0 + 60 * MIN);
    const results = await stalledCheck({
      store: t.store,
      queue,
      stalledMs: 15 * MIN,
      intervalMs: 30_000,
      now: () => t0,
    }).run();
    const overdue = results.filter((r) => (r.ok ? r.rule : r.finding.rule) === 'schedule_overdue');
    expect(verdicts(overdue)).toEqual(['ok', 'ok', 'schedule_overdue']);
    expect(findings(overdue)[0]).toMatchObject({
      target: 'sync-drive',
      severity: 'warning',
      fields: { schedule: 'sync-drive', queue: 'sync-drive' },
    });
    expect(findings(overdue)[0]?.message).toContain('was due 6m ago');
  });
});

describe('pipeline probes', () => {
  let dir: string;
  let db: TestDatabase;
  let client: pg.Client;
  let ts: TestStore;
  const probes: Probes[] = [];

  const parse = (list: Array<Record<string, unknown>>): ProbeConfig[] =>
    configSchema.parse({ monitor: { probes: list } }).monitor.probes;
  const make = async (
    list: Array<Record<string, unknown>>,
    now: () => number = Date.now,
    env: NodeJS.ProcessEnv = { LOADER_DB: db.url },
    intervalMs = 30_000,
  ): Promise<Probes> => {
    const p = new Probes({ probes: parse(list), env, intervalMs, store: ts.store, log: await quietLog(), now });
    probes.push(p);
    return p;
  };

  beforeAll(async () => {
    db = await createDatabase(inject('postgresUrl'));
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query('create table loaded (id serial primary key, body text)');
    await client.query('create sequence counter');
  });
  afterAll(async () => {
    await client.end();
    await db.drop();
  });
  beforeEach(async () => {
    dir = tempDir('centinela-probes-');
    ts = await createTestStore('sqlite');
    await client.query('truncate loaded');
  });
  afterEach(async () => {
    await Promise.all(probes.splice(0).map((p) => p.close()));
    await ts.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts lines in JSONL files by glob, incrementally as they grow, and again when one is replaced', async () => {
    mkdirSync(join(dir, 'day2'));
    writeFileSync(join(dir, 'a.jsonl'), '{"n":1}\n{"n":2}\n{"n":3}\n');
    writeFileSync(join(dir, 'day2', 'b.jsonl'), '{"n":4}\n{"n":5}'); // the last line is still being written
    writeFileSync(join(dir, 'notes.txt'), 'x\ny\n');
    const p = await make([{ name: 'scraped', stage: 'scraped', kind: 'lines', glob: `${dir}/**/*.jsonl` }]);
    expect(verdicts(await p.check.run())).toEqual(['ok']);
    expect(p.snapshot()[0]).toMatchObject({ name: 'scraped', stage: 'scraped', count: 5, error: null });
    appendFileSync(join(dir, 'day2', 'b.jsonl'), '\n{"n":6}\n');
    appendFileSync(join(dir, 'a.jsonl'), '{"n":7}\n');
    await p.check.run();
    expect(p.snapshot()[0]?.count).toBe(7);
    writeFileSync(join(dir, 'a.jsonl'), '{"n":1}\n'); // rotated: smaller than before
    await p.check.run();
    expect(p.snapshot()[0]?.count).toBe(4);
  });

  it('newest_file: nothing new for max_age is probe_stale; a new file clears it', async () => {
    const t0 = Date.now();
    const old = Math.floor((t0 - 7 * 3_600_000) / 1000); // whole seconds: utimes keeps them exactly
    for (const name of ['1.json', '2.json']) {
      writeFileSync(join(dir, name), '{}');
      utimesSync(join(dir, name), old, old);
    }
    const p = await make(
      [{ name: 'exports', kind: 'newest_file', glob: `${dir}/*.json`, max_age: '6h', severity: 'critical' }],
      () => t0,
    );
    const [stale] = findings(await p.check.run());
    expect(stale).toMatchObject({
      rule: 'probe',
      errorType: 'probe_stale',
      severity: 'critical',
      target: 'exports',
      fields: expect.objectContaining({ count: '2' }),
    });
    expect(stale?.message).toContain('nothing new for 7h');
    expect(p.snapshot()[0]?.newestAt).toBe(old * 1000);
    writeFileSync(join(dir, '3.json'), '{}');
    expect(verdicts(await p.check.run())).toEqual(['ok']);
    expect(p.snapshot()[0]?.count).toBe(3);
  });

  it("sql_count on PostgreSQL, read-only, with staleness from the count's growth", async () => {
    await client.query("insert into loaded (body) values ('a'), ('b'), ('c')");
    let now = Date.now();
    const p = await make(
      [
        {
          name: 'loaded',
          stage: 'loaded',
          kind: 'sql_count',
          sql: 'select count(*) from loaded;',
          database_url_env: 'LOADER_DB',
          max_age: '1h',
        },
      ],
      () => now,
    );
    expect(verdicts(await p.check.run())).toEqual(['ok']);
    await client.query("insert into loaded (body) values ('d'), ('e'), ('f')");
    expect(verdicts(await p.check.run())).toEqual(['ok']);
    expect(p.snapshot().map((s) => [s.stage, s.count, s.unit])).toEqual([['loaded', 6, 'rows']]);
    now += 2 * 3_600_000; // two hours without a new row
    const [stale] = findings(await p.check.run());
    expect(stale?.message).toContain('nothing new for 2h (max_age 1h); 6 rows');
    await client.query("insert into loaded (body) values ('g')");
    expect(verdicts(await p.check.run())).toEqual(['ok']);
  });

  it('a restart does not resolve a stalled sql_count: its first measurement is compared with the stored one (12.2)', async () => {
    await client.query("insert into loaded (body) values ('a'), ('b')");
    let now = Date.now();
    const list = [
      {
        name: 'loaded',
        kind: 'sql_count',
        sql: 'select count(*) from loaded',
        database_url_env: 'LOADER_DB',
        max_age: '1h',
      },
    ];
    const before = await make(list, () => now);
    expect(verdicts(await before.check.run())).toEqual(['ok']);
    await client.query("insert into loaded (body) values ('c')");
    await before.check.run();
    const grewAt = now;
    now += 90 * MIN; // the loader stalls
    expect(verdicts(await before.check.run())).toEqual(['probe_stale']);
    await before.close();

    // The restarted monitor: a fresh Probes on the same store, still stalled.
    now += MIN;
    const after = await make(list, () => now);
    const [stale] = findings(await after.check.run());
    expect(stale).toMatchObject({ errorType: 'probe_stale', target: 'loaded' });
    expect(stale?.message).toContain('nothing new for 1h 31m');
    expect(after.snapshot()[0]).toMatchObject({ count: 3, newestAt: grewAt });
    // Rows loaded while it was down are news, measured against the stored count.
    await client.query("insert into loaded (body) values ('d')");
    expect(verdicts(await after.check.run())).toEqual(['ok']);

    // A probe seen for the first time: its first count is a baseline, and its age starts then (not "fresh").
    const fresh = await make([{ ...list[0], name: 'other' }], () => now);
    await fresh.check.run();
    expect(fresh.snapshot()[0]).toMatchObject({ count: 4, newestAt: null, since: now });
    now += 2 * 3_600_000;
    expect(findings(await fresh.check.run())[0]?.message).toContain('nothing new since it was first measured 2h ago');
  });

  it('a ratio compares what each stage produced within the window: a stall after a long healthy run is seen within it (12.3)', async () => {
    const file = join(dir, 'scraped.jsonl');
    // A long healthy history: 8,000 scraped and 8,000 loaded before the monitor first looks.
    writeFileSync(file, '{"i":0}\n'.repeat(8000));
    await client.query("insert into loaded (body) select 'x' from generate_series(1, 8000)");
    const t0 = Date.now();
    let now = t0;
    const interval = 5 * MIN;
    const p = await make(
      [
        { name: 'scraped', stage: 'scraped', kind: 'lines', glob: `${dir}/*.jsonl`, unit: 'items' },
        {
          name: 'loaded',
          stage: 'loaded',
          kind: 'sql_count',
          sql: 'select count(*) from loaded',
          database_url_env: 'LOADER_DB',
          unit: 'items',
          min_ratio_of: 'scraped',
          min_ratio: 0.5,
          window: '15m',
        },
      ],
      () => now,
      undefined,
      interval,
    );
    const step = async (loaded: number): Promise<string[]> => {
      now += interval;
      appendFileSync(file, '{"i":1}\n'.repeat(100));
      if (loaded > 0) await client.query(`insert into loaded (body) select 'x' from generate_series(1, ${loaded})`);
      return verdicts(await p.check.run());
    };
    expect(verdicts(await p.check.run())).toEqual(['ok', 'ok']);
    for (let i = 0; i < 6; i++) expect(await step(100)).toEqual(['ok', 'ok']); // healthy: 100 of 100 each step
    const stoppedAt = now;
    let seen: number | null = null;
    for (let i = 0; i < 6 && seen === null; i++) if ((await step(0)).includes('probe_ratio')) seen = now;
    expect(seen, 'the stall was never seen').not.toBeNull();
    expect((seen ?? 0) - stoppedAt).toBeLessThanOrEqual(15 * MIN + interval);
    const [ratio] = findings(await p.check.run());
    expect(ratio).toMatchObject({
      target: 'loaded',
      errorType: 'probe_ratio',
      fields: expect.objectContaining({ of: 'scraped', window: '15m' }),
    });
    expect(ratio?.message).toMatch(
      /loaded \(loaded\): \d+ items in the last 15m against \d+ of scraped \(\d+%\), under min_ratio 50%/,
    );
    // Cumulatively it still looks healthy (8,600 loaded of under 10,000 scraped): the old ratio would wait for days.
    const [scraped = 0, loaded = 0] = p.snapshot().map((s) => s.count ?? 0);
    expect(loaded).toBe(8600);
    expect(loaded / scraped).toBeGreaterThan(0.85);

    // /status (and `centinela status`, from the store) shows each probe by name with its value, unit and age.
    const report = await buildStatus({
      store: ts.store,
      queueStats: async () => [],
      modules: [],
      startedAt: null,
      diskPaths: [],
      log: { file: null, problem: null },
    });
    expect(report.probes?.map((x) => [x.name, x.value, x.unit])).toEqual([
      ['loaded', 8600, 'items'],
      ['scraped', scraped, 'items'],
    ]);
    expect(formatStatus(report)).toMatch(/^probe loaded: 8600 items, newest \S+ ago$/m);
  });

  it('refuses at start a ratio between probes of unlike units, and a ratio of a time', async () => {
    await expect(
      make([
        { name: 'scraped', kind: 'lines', glob: '*.x' },
        { name: 'loaded', kind: 'sql_count', sql: 'select 1', database_url_env: 'LOADER_DB', min_ratio_of: 'scraped' },
      ]),
    ).rejects.toThrow(/probe loaded: min_ratio_of compares its rows with scraped's lines; .*unit: items/);
    await expect(
      make([
        { name: 'files', kind: 'newest_file', glob: '*.x', unit: 'items' },
        {
          name: 'fresh',
          kind: 'sql_value',
          sql: 'select now()',
          database_url_env: 'LOADER_DB',
          max_age: '1h',
          min_ratio_of: 'files',
        },
      ]),
    ).rejects.toThrow(/probe fresh: min_ratio_of compares counts, and fresh measures a time/);
  });

  it("sql_value: the newest row's time (a table updated in place or pruned), or a number whose change is news (12.7)", async () => {
    await client.query('create table if not exists docs (id int primary key, loaded_at timestamptz, version int)');
    await client.query('truncate docs');
    const t0 = Date.now();
    let now = t0;
    await client.query('insert into docs values (1, $1, 1), (2, $2, 1)', [
      new Date(t0 - 3 * 3_600_000),
      new Date(t0 - 30 * MIN),
    ]);
    const p = await make(
      [
        {
          name: 'fresh',
          kind: 'sql_value',
          sql: 'select max(loaded_at) from docs',
          database_url_env: 'LOADER_DB',
          max_age: '1h',
        },
        {
          name: 'versions',
          kind: 'sql_value',
          value: 'number',
          sql: 'select max(version) from docs',
          database_url_env: 'LOADER_DB',
          max_age: '1h',
        },
      ],
      () => now,
    );
    expect(verdicts(await p.check.run())).toEqual(['ok', 'ok']);
    expect(p.snapshot()[0]).toMatchObject({ unit: 'time', count: null, newestAt: t0 - 30 * MIN });
    // Pruning old rows changes nothing; an hour later the newest row is 1h 30m old, and the number has not moved.
    await client.query('delete from docs where id = 1');
    now += 61 * MIN;
    const stale = findings(await p.check.run());
    expect(stale.map((f) => f.errorType)).toEqual(['probe_stale', 'probe_stale']);
    expect(stale[0]?.message).toContain('nothing new for 1h 31m');
    // Rows updated in place: the number changes, which is news; a new loaded_at clears the other.
    await client.query('update docs set version = version + 1, loaded_at = $1', [new Date(now)]);
    expect(verdicts(await p.check.run())).toEqual(['ok', 'ok']);
    // An empty table is "nothing seen yet", not an error.
    await client.query('truncate docs');
    now += 2 * 3_600_000;
    expect(findings(await p.check.run()).map((f) => f.errorType)).toEqual(['probe_stale', 'probe_stale']);
  });

  it('SQLite files, read-only in a worker, with the statement timeout; MySQL through mysql2, tested up to its connection error (12.7)', async () => {
    const file = join(dir, 'loader.db');
    const { DatabaseSync } = await import('node:sqlite');
    const writer = new DatabaseSync(file);
    writer.exec(
      "create table items (id integer primary key, loaded_at text); insert into items (loaded_at) values (datetime('now', '-10 minutes')), (datetime('now', '-2 minutes'))",
    );
    writer.exec(
      'create table big (n integer); with recursive s(n) as (select 1 union all select n + 1 from s where n < 2000) insert into big select n from s',
    );
    writer.close();
    const before = readFileSync(file);
    const p = await make(
      [
        { name: 'rows', kind: 'sql_count', sql: 'select count(*) from items', database_url_env: 'SQLITE_DB' },
        {
          name: 'newest',
          kind: 'sql_value',
          sql: 'select max(loaded_at) from items',
          database_url_env: 'SQLITE_DB',
          max_age: '5m',
        },
        // A query that would run for minutes: stopped at its timeout, in a worker, while the event loop goes on.
        {
          name: 'slow',
          kind: 'sql_count',
          sql: 'select count(*) from big a, big b, big c',
          database_url_env: 'SQLITE_DB',
          timeout: '1s',
        },
        { name: 'mysql', kind: 'sql_count', sql: 'select count(*) from items', database_url_env: 'MYSQL_DB' },
      ],
      Date.now,
      { SQLITE_DB: `sqlite:${file}`, MYSQL_DB: `mysql://loader:my-s3cr3t@127.0.0.1:${await freePort()}/loader` },
    );
    // The loop must run while the slow query does: the longest pause between ticks stays below the query's 1 s
    // (a query on the main thread would pause it that long at least). Counting ticks failed on a loaded machine; 1 s
    // rather than 300 ms leaves room for the pauses a loaded machine's scheduler adds (up to 80 ms measured).
    // mysql2 is loaded at the MySQL probe's first use, on the main thread: a one-time pause that is not the query's
    // and that a loaded machine stretched to 950 ms. It is loaded before the loop is measured.
    await import('mysql2/promise');
    let last = Date.now();
    let longestPause = 0;
    const tick = (): void => {
      longestPause = Math.max(longestPause, Date.now() - last);
      last = Date.now();
    };
    const ticker = setInterval(tick, 20);
    const results = await p.check.run().finally(() => (clearInterval(ticker), tick()));
    expect(verdicts(results)).toEqual(['ok', 'ok', 'probe_failed', 'probe_failed']);
    expect(longestPause).toBeLessThan(1000);
    expect(p.snapshot()[0]).toMatchObject({ count: 2, unit: 'rows' });
    expect(Date.now() - (p.snapshot()[1]?.newestAt ?? 0)).toBeLessThan(3 * MIN); // SQLite's UTC text read as UTC
    const [slow, mysql] = findings(results);
    expect(slow?.message).toMatch(
      /probe slow: the query failed \(canceling statement due to statement timeout \(1000 ms\)\)/,
    );
    expect(mysql?.message).toMatch(/probe mysql: cannot connect to its database \(.*ECONNREFUSED/);
    expect(JSON.stringify([results, p.snapshot()])).not.toMatch(/my-s3cr3t/);
    expect(readFileSync(file).equals(before)).toBe(true); // read-only: the file is untouched
    await expect(
      make([{ name: 'x', kind: 'sql_count', sql: 'select 1', database_url_env: 'ODD' }], Date.now, {
        ODD: 'oracle://x',
      }),
    ).rejects.toThrow(/probe x: its database URL is neither postgres/);
  });

  it('refuses anything but one SELECT, enforces READ ONLY in the database, and keeps the URL out of errors', async () => {
    expect(() => checkSelect('p', 'delete from loaded')).toThrow(/must be a SELECT, but it starts with "delete"/);
    expect(() => checkSelect('p', 'select 1; drop table loaded')).toThrow(/more than one statement/);
    expect(checkSelect('p', '  SELECT count(*) FROM loaded ;  ')).toBe('SELECT count(*) FROM loaded');
    await expect(
      make([{ name: 'bad', kind: 'sql_count', sql: 'update loaded set body = null', database_url_env: 'LOADER_DB' }]),
    ).rejects.toThrow(/probe bad: sql must be a SELECT/);
    await expect(
      make([{ name: 'noenv', kind: 'sql_count', sql: 'select 1', database_url_env: 'NOPE' }]),
    ).rejects.toThrow(/NOPE \(database_url_env\) is not set/);
    await expect(make([{ name: 'r', kind: 'lines', glob: '*.x', min_ratio_of: 'ghost' }])).rejects.toThrow(
      /min_ratio_of names "ghost"/,
    );

    // A SELECT that writes (nextval) fails inside the READ ONLY transaction; two columns are not one number.
    const p = await make(
      [
        { name: 'writes', kind: 'sql_count', sql: "select nextval('counter')", database_url_env: 'LOADER_DB' },
        { name: 'wide', kind: 'sql_count', sql: 'select 1, 2', database_url_env: 'LOADER_DB' },
        { name: 'down', kind: 'sql_count', sql: 'select 1', database_url_env: 'DOWN_DB' },
      ],
      Date.now,
      { LOADER_DB: db.url, DOWN_DB: `postgres://loader:s3cr3t-pw@127.0.0.1:${await freePort()}/x` },
    );
    const results = findings(await p.check.run());
    expect(results.map((f) => f.errorType)).toEqual(['probe_failed', 'probe_failed', 'probe_failed']);
    expect(results[0]?.message).toMatch(/read-only transaction/);
    expect(results[1]?.message).toContain('one row with one column');
    expect(results[2]?.message).toMatch(/cannot connect to its database \(.*ECONNREFUSED/);
    expect(JSON.stringify([results, p.snapshot()])).not.toMatch(/s3cr3t-pw/);
    const { rows } = await client.query<{ last_value: string; is_called: boolean }>(
      'select last_value, is_called from counter',
    );
    expect(rows[0]?.is_called).toBe(false); // nextval never took effect
  });
});
