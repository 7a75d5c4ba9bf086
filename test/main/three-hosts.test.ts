// Three processes on one PostgreSQL, as if on three machines (CENTINELA_HOST_NAME host-a, host-b, host-c), sharing
// the data and media folders as a network folder would: two full services and one `--only worker`, the fake Bot API,
// a stream of invoice files through Telegram, posts to publish and a cron schedule ticking every second. The process
// that holds Telegram polling is SIGKILLed while it runs jobs: its jobs finish elsewhere once their lease runs out,
// polling is taken over (no 409 fight), every cron tick runs once, no file is stored twice, no post is published twice.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { PUBLISH_QUEUE, PostRecords } from '../../src/pipeline/content/index.ts';
import type { Store } from '../../src/core/store/index.ts';
import type { StatusReport } from '../../src/status.ts';
import { startFakeBotApi } from '../fakes/telegram/index.ts';
import type { FakeBotApi } from '../fakes/telegram/index.ts';
import { STAFF, botEnv } from '../support/bot-service.ts';
import { CHANNEL } from '../support/content-poster.ts';
import { createDatabase } from '../support/postgres.ts';
import type { TestDatabase } from '../support/postgres.ts';
import { REPO, startService, tempDir } from '../support/service.ts';
import type { RunningService } from '../support/service.ts';
import { openSpec } from '../support/store-spec.ts';
import { eventually, testQueue } from '../support/stores.ts';

const LEASE_SECONDS = 4;
const POLL_LEASE_SECONDS = 3;
const TICKS = 'three-hosts.prune';

let fake: FakeBotApi | null = null;
let database: TestDatabase | null = null;
let store: Store | null = null;
const running: RunningService[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop('SIGKILL');
  await store?.close();
  store = null;
  await fake?.close();
  fake = null;
  await database?.drop();
  database = null;
});

const FIXTURES = ['cfdi40-valid.xml', 'cfdi33-valid.xml', 'cfdi40-real.xml', 'cfdi33-real.xml'];
/** A real CFDI, each copy with its own bytes (a comment), as the restart test makes them. */
const cfdi = (i: number): Buffer =>
  Buffer.concat([
    readFileSync(join(REPO, 'test/fixtures/cfdi', FIXTURES[i % FIXTURES.length] as string)),
    Buffer.from(`\n<!-- copy ${i} -->\n`),
  ]);

describe('three hosts on one PostgreSQL', () => {
  it('share the work through a SIGKILL of the polling process: nothing lost, nothing done twice', async () => {
    fake = await startFakeBotApi();
    database = await createDatabase(inject('postgresUrl'));
    const shared = tempDir('centinela-3hosts-');
    const env = (host: string): Record<string, string> => {
      const { CENTINELA_HTTP_PORT: _port, ...base } = botEnv(fake as FakeBotApi, shared, {
        DATABASE_URL: (database as TestDatabase).url,
        CENTINELA_HOST_NAME: host,
        CENTINELA_PATHS_LOGS: join(shared, `logs-${host}`),
        CENTINELA_LOG_STDOUT: 'true',
        CENTINELA_QUEUE_LEASE_SECONDS: String(LEASE_SECONDS),
        CENTINELA_TELEGRAM_POLL_LEASE: `${POLL_LEASE_SECONDS}s`,
        CENTINELA_TELEGRAM_POLL_TIMEOUT_SECONDS: '2',
        CENTINELA_CONTENT_CHANNEL: CHANNEL,
      });
      return base;
    };
    const full = ['--only', 'bot,http,invoices,content,maintenance'];
    const start = async (host: string, args: string[], ready: 'healthz' | 'started' = 'healthz') => {
      const s = await startService({ cwd: shared, env: env(host), args, ready, timeoutMs: 60_000 });
      running.push(s);
      return s;
    };
    const a = await start('host-a', full);
    store = await openSpec({ kind: 'postgres', dataDir: join(shared, 'data'), databaseUrl: database.url });
    const db = store.db;
    const holder = async (): Promise<string | null> =>
      (await db.selectFrom('leases').select('host').where('name', '=', 'telegram.polling').executeTakeFirst())?.host ??
      null;
    await eventually(async () => (await holder()) === 'host-a', 'host-a holds polling', 30_000);
    const b = await start('host-b', full);
    const c = await start('host-c', ['--only', 'worker'], 'started');
    await b.waitForLine((l) => l.includes('Telegram polling is held by host-a'), 30_000);
    await c.waitForLine((l) => l.includes('"msg":"centinela started"'));

    // A cron schedule ticking every second, run by whichever process gets to it.
    const now = Date.now();
    await db
      .insertInto('schedules')
      .values({
        name: TICKS,
        queue: 'maintenance',
        cron: '* * * * * *',
        tz: null,
        payload: JSON.stringify({ task: 'prune' }),
        next_run_at: now,
        updated_at: now,
      })
      .execute();

    // Posts to publish in the next seconds (their videos uploaded from the shared media folder), some calls slow.
    const queue = await testQueue(store);
    const posts = new PostRecords(store);
    const postIds: number[] = [];
    for (let i = 0; i < 6; i++) {
      const path = join(shared, `clip-${i}.mp4`);
      writeFileSync(path, `fake video ${i}`);
      const file = await db
        .insertInto('files' as never)
        .values({
          source: 'test',
          kind: 'video',
          purpose: 'video',
          state: 'stored',
          path,
          file_name: `clip-${i}.mp4`,
          created_at: now,
          updated_at: now,
        } as never)
        .returning('id' as never)
        .executeTakeFirstOrThrow();
      const { post } = await posts.create({
        fileId: Number((file as { id: number }).id),
        creator: 'victor',
        target: CHANNEL,
        caption: `post ${i}`,
        state: 'scheduled',
        plannedAt: now + 1500 + i * 700,
      });
      postIds.push(post.id);
      await queue.enqueue(PUBLISH_QUEUE, { postId: post.id }, { runAt: post.planned_at ?? now });
    }
    fake.fail('sendVideo', { stallMs: 1500 }, 3);

    // Invoice files through Telegram, their downloads slow: jobs are in flight on every host when host-a dies.
    fake.fail('getFile', { stallMs: 2500 }, 10);
    for (let i = 0; i < 12; i++) fake.document(STAFF, { bytes: cfdi(i), fileName: `f-${i}.xml`, mimeType: 'text/xml' });
    const telegramFiles = async (): Promise<Array<{ id: number; state: string }>> =>
      (await sql<{ id: number; state: string }>`select id, state from files where source = 'telegram'`.execute(db))
        .rows;
    // Recorded first: an update is confirmed to Telegram before its handler ends, so a kill then would lose it
    // (see the report; not what this test is about).
    await eventually(async () => (await telegramFiles()).length === 12, 'the first 12 files recorded', 60_000);
    const heldByA = async () =>
      db
        .selectFrom('jobs')
        .select(['id', 'queue'])
        .where('state', '=', 'active')
        .where('worker', 'like', 'host-a:%')
        .execute();
    await eventually(
      async () => (await heldByA()).some((j) => j.queue === 'intake.download'),
      'host-a runs downloads',
      60_000,
    );
    const orphans = await heldByA();
    a.proc.kill('SIGKILL');
    const killedAt = Date.now();
    await a.stop('SIGKILL');

    // Polling moves to another host within its lease, without a 409 fight; files sent now are heard there.
    await eventually(async () => ['host-b', 'host-c'].includes((await holder()) ?? ''), 'polling taken over', 60_000);
    const takeoverMs = Date.now() - killedAt;
    for (let i = 12; i < 18; i++)
      fake.document(STAFF, { bytes: cfdi(i), fileName: `f-${i}.xml`, mimeType: 'text/xml' });

    // host-a's jobs finish elsewhere once their lease has run out.
    await eventually(
      async () => {
        const rows = await db
          .selectFrom('jobs')
          .select(['id', 'state'])
          .where(
            'id',
            'in',
            orphans.map((o) => o.id),
          )
          .execute();
        return rows.every((r) => r.state === 'done');
      },
      "host-a's jobs done elsewhere",
      90_000,
    );
    const redone = await db
      .selectFrom('jobs')
      .select(['id', 'worker', 'finished_at', 'attempts'])
      .where(
        'id',
        'in',
        orphans.map((o) => o.id),
      )
      .execute();
    for (const j of redone) expect(j.worker?.startsWith('host-a:')).toBe(false);

    // Everything settles: 18 files in and each with its outcome, every job finished.
    let seen = '';
    await eventually(
      async () => {
        const live = await db
          .selectFrom('jobs')
          .select(['id', 'queue', 'state', 'last_error'])
          .where('state', 'in', ['waiting', 'active'])
          .where('queue', '<>', 'maintenance')
          .execute();
        const files = await telegramFiles();
        const unsettled = files.filter((f) => f.state === 'received');
        seen = `live jobs ${JSON.stringify(live)}, ${files.length} files, not stored yet ${JSON.stringify(unsettled)}`;
        return live.length === 0 && files.length === 18 && unsettled.length === 0;
      },
      'all work done',
      120_000,
    ).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}: ${seen}`);
    });

    // No file stored twice: one row per file, each stored once (its own content hash).
    const files = (
      await sql<{ sha256: string | null; state: string }>`
      select sha256, state from files where source = 'telegram'`.execute(db)
    ).rows;
    expect(files).toHaveLength(18);
    expect(new Set(files.map((f) => f.sha256)).size).toBe(18);
    const doubled = (
      await sql<{ n: number }>`
      select count(*) as n from files where source = 'telegram' and duplicate_of is not null`.execute(db)
    ).rows;
    expect(Number(doubled[0]?.n)).toBe(0);

    // No post published twice; each is sent, or unknown when its publisher died mid-call (never repeated unasked).
    const calls = fake.calls.filter((c) => c.method === 'sendVideo' && String(c.params.chat_id) === CHANNEL);
    for (let i = 0; i < 6; i++)
      expect(calls.filter((c) => c.params.caption === `post ${i}`).length).toBeLessThanOrEqual(1);
    for (const id of postIds) expect(['sent', 'unknown']).toContain((await posts.get(id))?.state);

    // Every cron tick ran once, also while host-a was dying.
    const ticks = (
      await sql<{ key: string; n: number; run_at: number }>`
      select key, count(*) as n, min(run_at) as run_at from jobs where key like ${`cron:${TICKS}:%`} group by key`.execute(
        db,
      )
    ).rows;
    expect(ticks.length).toBeGreaterThan(5);
    expect(ticks.filter((t) => Number(t.n) !== 1)).toEqual([]);
    expect(ticks.some((t) => Number(t.run_at) > killedAt)).toBe(true);

    // Admin and sender messages: every one sent, except a chat whose next message host-a was sending when it died:
    // that one waits out its claim (a send that may have reached Telegram is never repeated early) with the chat's
    // later messages behind it. None went out twice.
    let outbox = '';
    await eventually(
      async () => {
        const rows = (
          await sql<{ chat_id: string; state: string; claimed_by: string | null }>`
            select chat_id, state, claimed_by from outbox where state <> 'sent'`.execute(db)
        ).rows;
        outbox = JSON.stringify(rows);
        const blocked = new Set(
          rows
            .filter((r) => r.state === 'sending' && r.claimed_by?.startsWith('host-a:'))
            .map((r) => String(r.chat_id)),
        );
        return rows.every(
          (r) => blocked.has(String(r.chat_id)) && (r.state === 'pending' || r.claimed_by?.startsWith('host-a:')),
        );
      },
      'outbox sent',
      60_000,
    ).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}: ${outbox}`);
    });
    const summaries = fake.sent(STAFF.id).filter((c) => String(c.params.text ?? '').includes('terminado'));
    expect(new Set(summaries.map((c) => c.params.text)).size).toBe(summaries.length);

    // No 409 fight: the waiting processes never polled while another did. (A 409 in a time stamp, ".409Z", is not one.)
    const conflict = /(?<![.\d])409(?![\dZ])|Conflict/;
    for (const s of [b, c])
      expect(s.lines.filter((l) => conflict.test(l) && !l.includes('this process waits (no 409'))).toEqual([]);

    // Status shows every process, where it runs, what it does, and who polls.
    const polling = (await holder()) as string;
    const viaB = (await (
      await fetch(`${b.url}/status`, { headers: { authorization: `Bearer ${b.token()}` } })
    ).json()) as StatusReport;
    expect(viaB.leases).toEqual([expect.objectContaining({ name: 'telegram.polling', host: polling })]);
    const hosts = new Map((viaB.instances ?? []).map((p) => [p.host, p]));
    expect([...hosts.keys()].sort()).toEqual(['host-a', 'host-b', 'host-c']);
    expect(hosts.get('host-c')?.roles.sort()).toEqual(['backup', 'bot', 'content', 'invoices', 'maintenance']);
    expect(hosts.get(polling)?.holds).toEqual(['telegram.polling']);

    process.stdout.write(
      `figure three_hosts_polling_takeover_ms=${takeoverMs}\nfigure three_hosts_orphaned_jobs=${orphans.length}\n`,
    );
  }, 300_000);
});
