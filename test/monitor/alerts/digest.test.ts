// The daily repair digest (alerts.digest, issue 12.4) through the real durable queue's cron, the real incident store
// and the real alerts, read back from the outbox, on SQLite and PostgreSQL. The clock is the tick's time: the test
// makes the digest time pass by moving the schedule's due time, as a process that ran through that moment would.
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/core/config.ts';
import type { Queue } from '../../../src/core/queue/index.ts';
import { Alerts, DIGEST_SCHEDULE, digestDue, scheduleRepairDigest } from '../../../src/monitor/alerts/index.ts';
import { Incidents } from '../../../src/monitor/incidents/index.ts';
import { STORE_KINDS, createTestStore, eventually, testQueue } from '../../support/stores.ts';
import type { TestStore } from '../../support/stores.ts';

const MIN = 60_000;
const H = 60 * MIN;
const quiet = pino({ level: 'silent' });
/** The digest time of the test's day, 2026-01-05 08:00 UTC. */
const DUE = Date.parse('2026-01-05T08:00:00Z');

describe.each(STORE_KINDS)('the daily repair digest on %s', (kind) => {
  let t: TestStore;
  let queue: Queue;
  let now: number;
  let incidents: Incidents;
  let alerts: Alerts;

  beforeEach(async () => {
    t = await createTestStore(kind);
    queue = await testQueue(t.store);
    now = DUE - 30 * H;
    incidents = new Incidents(t.store, { journal: null, now: () => now });
    alerts = new Alerts({
      store: t.store,
      log: quiet,
      chats: [1],
      groupWaitMs: 0,
      repeatMs: { critical: H, warning: 4 * H },
      now: () => now,
      lang: 'en',
    });
  });

  afterEach(async () => {
    await queue.stop(1000);
    await t.cleanup();
  });

  /** One repair of `target` at `at`, as the engine records it: its first attempt, then solved. */
  const repaired = async (target: string, at: number): Promise<void> => {
    now = at;
    const { incident } = await incidents.record({
      rule: 'container_down',
      errorType: 'container_down',
      severity: 'critical',
      target,
      message: `${target} exited (137)`,
      fields: { container: target },
      action: { type: 'restart_container', params: {}, attempts: 3, backoffMs: [0] },
      notify: 'always',
    });
    await incidents.setState(incident.id, 'retrying', { attempt: 1, maxAttempts: 3, action: 'restart_container' });
    await incidents.resolve('container_down', target);
  };
  const outbox = async (): Promise<string[]> => {
    const rows = await t.store.db
      .selectFrom('outbox' as never)
      .select('text' as never)
      .orderBy('id' as never)
      .execute();
    return (rows as Array<{ text: string }>).map((r) => r.text);
  };
  const digestJobsDone = async (): Promise<number> =>
    (await queue.list({ queue: DIGEST_SCHEDULE, states: ['done'] })).length;
  /** The digest time comes at `due`: the schedule's tick falls due, the queue enqueues it, a worker runs it. */
  const tickAt = async (due: number): Promise<void> => {
    const before = await digestJobsDone();
    const moved = await t.store.db
      .updateTable('schedules')
      .set({ next_run_at: due })
      .where('name', '=', DIGEST_SCHEDULE)
      .executeTakeFirst();
    expect(Number(moved.numUpdatedRows)).toBe(1);
    await queue.maintain();
    await eventually(async () => (await digestJobsDone()) === before + 1, 'the digest tick to run');
  };

  it('at the digest time, one message lists the targets repaired in the 24 h before with their counts; a second tick that day sends nothing', async () => {
    await repaired('loader', DUE - 25 * H); // before the digest's day: not counted
    for (const h of [20, 12, 3]) await repaired('loader', DUE - h * H);
    await repaired('scraper', DUE - 1 * MIN);
    await repaired('vectorizer', DUE + 1 * H); // after the digest time: tomorrow's digest
    await scheduleRepairDigest(queue, t.store, alerts, '08:00');
    const row = await t.store.db
      .selectFrom('schedules')
      .select(['cron', 'tz'])
      .where('name', '=', DIGEST_SCHEDULE)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ cron: '0 8 * * *', tz: 'UTC' });

    await tickAt(DUE);
    expect(await outbox()).toEqual([
      '🟠 Daily digest: 4 repairs in the 24 h to 2026-01-05 08:00 UTC\nloader ×3\nscraper ×1',
    ]);

    // The same tick run again (another process, a retried job) and a late tick of the same day: still one message.
    await tickAt(DUE);
    await tickAt(DUE + 3 * H);
    expect(await outbox()).toHaveLength(1);

    // The next day's digest covers what came after.
    await tickAt(DUE + 24 * H);
    const texts = await outbox();
    expect(texts).toHaveLength(2);
    expect(texts[1]).toBe('🟠 Daily digest: 1 repair in the 24 h to 2026-01-06 08:00 UTC\nvectorizer ×1');
  });

  it('sends nothing on a day without repairs', async () => {
    await repaired('loader', DUE - 25 * H);
    await scheduleRepairDigest(queue, t.store, alerts, '08:00');
    await tickAt(DUE);
    expect(await outbox()).toEqual([]);
  });

  it('is off by default: no schedule, no message; turning it off removes the schedule', async () => {
    await repaired('loader', DUE - 3 * H);
    await scheduleRepairDigest(queue, t.store, alerts, '08:00');
    const digest = configSchema.parse({}).alerts.digest;
    expect(digest).toBe('');
    await scheduleRepairDigest(queue, t.store, alerts, digest);
    expect(
      await t.store.db.selectFrom('schedules').select('name').where('name', '=', DIGEST_SCHEDULE).execute(),
    ).toEqual([]);
    await queue.maintain();
    expect(await queue.list({ queue: DIGEST_SCHEDULE })).toEqual([]);
    expect(await outbox()).toEqual([]);
  });
});

describe('alerts.digest', () => {
  it('takes HH:MM and refuses anything else with what to write', () => {
    expect(configSchema.parse({ alerts: { digest: '23:59' } }).alerts.digest).toBe('23:59');
    for (const bad of ['8:00', '24:00', '08:60', '08:00 UTC']) {
      expect(() => configSchema.parse({ alerts: { digest: bad } })).toThrow(/HH:MM in UTC/);
    }
  });

  it('a tick run late still covers its own day', () => {
    expect(digestDue('08:00', DUE)).toBe(DUE);
    expect(digestDue('08:00', DUE + 23 * H)).toBe(DUE);
    expect(digestDue('08:00', DUE - 1)).toBe(DUE - 24 * H);
  });
});
