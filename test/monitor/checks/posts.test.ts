// The monitor sees the content pipeline: a failed, unknown or missed post, and a post its poster did not get to in
// time, is an incident of its own (rule + post), told once and told resolved when the post leaves that state; the
// content module answers through its index (postsNeedingAttention), and the stalled check covers its queues. Real
// SQLite and PostgreSQL, the real engine, incidents and alerts (read back from the outbox), a clock the test moves.
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Queue } from '../../../src/core/queue/index.ts';
import { Alerts } from '../../../src/monitor/alerts/index.ts';
import { CHECK_RULES, postsCheck, stalledCheck } from '../../../src/monitor/checks/index.ts';
import type { Check } from '../../../src/monitor/types.ts';
import { MonitorEngine } from '../../../src/monitor/engine.ts';
import { Incidents } from '../../../src/monitor/incidents/index.ts';
import { SHIPPED_RULES, loadRules } from '../../../src/monitor/rules/index.ts';
import { PUBLISH_QUEUE, PostRecords, VIDEO_QUEUE, postsNeedingAttention } from '../../../src/pipeline/content/index.ts';
import type { PostState } from '../../../src/pipeline/content/index.ts';
import { IntakeRecords } from '../../../src/pipeline/intake/index.ts';
import { testRepairs } from '../../support/repairs.ts';
import { startService } from '../../../src/main.ts';
import { cleanEnv, tempDir } from '../../support/service.ts';
import { STORE_KINDS, createTestStore, eventually, testQueue } from '../../support/stores.ts';
import type { TestStore } from '../../support/stores.ts';

const MIN = 60_000;
const H = 60 * MIN;
const quiet = pino({ level: 'silent' });

describe.each(STORE_KINDS)('posts needing attention on %s', (kind) => {
  let t: TestStore;
  let queue: Queue;
  let now: number;
  let posts: PostRecords;
  let incidents: Incidents;
  let alerts: Alerts;
  let engine: MonitorEngine;
  let check: Check;
  let nextFile = 1;

  beforeEach(async () => {
    t = await createTestStore(kind);
    queue = await testQueue(t.store);
    now = Date.parse('2026-03-02T18:00:00Z');
    posts = new PostRecords(t.store, () => now);
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
    const dir = tempDir('centinela-posts-check-');
    engine = new MonitorEngine({
      incidents,
      alerts,
      repairs: await testRepairs({
        store: t.store,
        queue,
        allowedRoots: [dir],
        dataDir: dir,
        breaker: { maxRepairs: 3, windowMs: H, healthyForMs: 30 * MIN },
        now: () => now,
      }),
      rules: loadRules(SHIPPED_RULES),
      log: quiet,
      now: () => now,
    });
    check = postsCheck({
      postsNeedingAttention: postsNeedingAttention(t.store),
      openIncidents: () => incidents.open(),
      overdueAfterMs: 15 * MIN,
      intervalMs: 30_000,
      now: () => now,
    });
  });

  afterEach(async () => {
    await queue.stop(1000);
    await t.cleanup();
  });

  /** A post of `creator` in `state`, planned `plannedAt`; its video a files row named `name` when given. */
  const post = async (state: PostState, plannedAt: number, name?: string): Promise<number> => {
    let fileId = 100_000 + nextFile++;
    if (name) {
      const row = await new IntakeRecords(t.store).db
        .insertInto('files')
        .values({
          source: 'telegram',
          kind: 'video',
          purpose: 'video',
          state: 'stored',
          file_name: name,
          created_at: now,
          updated_at: now,
        } as never)
        .returning('id')
        .executeTakeFirstOrThrow();
      fileId = Number(row.id);
    }
    const { post: p } = await posts.create({ fileId, creator: 'victor', target: '@chan', state, plannedAt });
    if (state === 'failed' || state === 'unknown') await posts.noteError(p.id, state, 'Telegram 400: bad request');
    return p.id;
  };
  const round = async (): Promise<void> => {
    await engine.onCheckResults(await check.run());
    await engine.settle();
  };
  /** Alert texts queued in the outbox since the last call. */
  let seen = 0;
  const newAlerts = async (): Promise<string[]> => {
    await alerts.flush();
    const rows = (await t.store.db
      .selectFrom('outbox' as never)
      .select('text' as never)
      .orderBy('id' as never)
      .execute()) as Array<{ text: string }>;
    const fresh = rows.slice(seen).map((r) => r.text);
    seen = rows.length;
    return fresh;
  };
  const openIncidents = async (): Promise<string[]> =>
    (await incidents.open()).map((i) => `${i.rule}|${i.target}|${i.severity}`).sort();

  it('each post that needs a person is one incident, told once, and resolved when the post leaves that state', async () => {
    seen = 0;
    const failed = await post('failed', now - H, 'clip.mp4');
    const unknown = await post('unknown', now - 2 * H);
    const missed = await post('missed', now - 5 * H);
    const late = await post('scheduled', now - 20 * MIN);
    const stuck = await post('sending', now - 30 * MIN);
    const due = await post('scheduled', now - 5 * MIN); // due, within the bound: the poster is on it
    await post('scheduled', now + H);
    await post('sent', now - 3 * H);
    await post('cancelled', now - 3 * H);
    await post('awaiting_approval', now + H);

    const findings = (await check.run()).flatMap((r) => (r.ok ? [] : [r.finding]));
    expect(findings.find((f) => f.target === `post:${failed}`)).toMatchObject({
      rule: 'post_failed',
      errorType: 'post_failed',
      severity: 'warning',
      fields: { model: 'victor', video: 'clip.mp4', post: String(failed), state: 'failed', channel: '@chan' },
    });
    expect(findings.find((f) => f.target === `post:${failed}`)?.message).toContain('Telegram 400: bad request');
    expect(findings.find((f) => f.target === `post:${late}`)?.message).toMatch(/is 20m late and still scheduled/);

    await round();
    expect(await openIncidents()).toEqual(
      [
        `post_failed|post:${failed}|warning`,
        `post_unknown|post:${unknown}|critical`,
        `post_missed|post:${missed}|warning`,
        `post_overdue|post:${late}|critical`,
        `post_overdue|post:${stuck}|critical`,
      ].sort(),
    );
    const fired = await newAlerts();
    expect(fired).toHaveLength(1); // grouped: one message
    for (const id of [failed, unknown, missed, late, stuck]) expect(fired[0]).toContain(`post:${id}`);

    // Seen again and again: counted on the same incidents, nobody told twice.
    for (let i = 0; i < 3; i++) {
      now += 30_000;
      await round();
    }
    expect(await newAlerts()).toEqual([]);
    expect((await incidents.open()).every((i) => i.count === 4)).toBe(true);

    // The admins settle them: published again (the failed one), "it was published", planned again, sent, skipped.
    await posts.transition(failed, 'failed', 'scheduled', { plannedAt: now });
    await posts.transition(unknown, 'unknown', 'sent');
    await posts.transition(missed, 'missed', 'scheduled', { plannedAt: now + H });
    await posts.transition(late, 'scheduled', 'sending');
    await posts.transition(late, 'sending', 'sent', { messageId: 7 });
    await posts.transition(stuck, 'sending', 'unknown');
    await round();
    // The stuck one is unknown now: its overdue incident resolves, an unknown one opens.
    expect(await openIncidents()).toEqual([`post_unknown|post:${stuck}|critical`]);
    const after = await newAlerts();
    expect(after).toHaveLength(1);
    expect(after[0]).toMatch(/resolved/i);
    expect(after[0]).toContain(`post:${failed}`);
    expect(after[0]).toContain(`post:${stuck}`);

    // The failed post published again, and the one that was due, but the poster never got to them: overdue.
    now += 16 * MIN;
    await round();
    expect(await openIncidents()).toEqual(
      [
        `post_overdue|post:${due}|critical`,
        `post_overdue|post:${failed}|critical`,
        `post_unknown|post:${stuck}|critical`,
      ].sort(),
    );
  });

  it('post incidents are resolved by their check, not by going quiet', async () => {
    await post('unknown', now - H);
    await round();
    now += 2 * H;
    expect(await incidents.resolveQuiet(15 * MIN, CHECK_RULES)).toEqual([]);
    expect(await openIncidents()).toHaveLength(1);
  });

  it('the stalled check covers the content queues (video.process, content.publish)', async () => {
    // Jobs due 20 minutes ago and nobody working on them: the content module is not running.
    await queue.enqueue(PUBLISH_QUEUE, { postId: 1 }, { runAt: Date.now() - 20 * MIN });
    await queue.enqueue(VIDEO_QUEUE, { fileId: 1 }, { runAt: Date.now() - 20 * MIN });
    const results = await stalledCheck({ store: t.store, queue, stalledMs: 15 * MIN, intervalMs: 30_000 }).run();
    const stalled = results.flatMap((r) => (r.ok || r.finding.rule !== 'queue_stalled' ? [] : [r.finding.target]));
    expect(stalled.sort()).toEqual(['content.publish', 'video.process']);
  });
});

describe('the monitor in the service watches posts', () => {
  it('main.ts hands the content question to the monitor: a failed post becomes a post_failed incident', async () => {
    const service = await startService({
      cwd: tempDir('centinela-posts-service-'),
      only: ['monitor'],
      env: cleanEnv({ CENTINELA_MONITOR_CHECK_INTERVAL: '200ms', CENTINELA_LOG_STDOUT: 'false' }),
    });
    try {
      const posts = new PostRecords(service.store);
      const { post } = await posts.create({
        fileId: 1,
        creator: 'victor',
        target: '@chan',
        state: 'failed',
        plannedAt: Date.now() - H,
      });
      const incidents = new Incidents(service.store, { journal: null });
      await eventually(
        async () => (await incidents.open()).some((i) => i.rule === 'post_failed' && i.target === `post:${post.id}`),
        'a post_failed incident',
        20_000,
      );
      await posts.transition(post.id, 'failed', 'cancelled');
      await eventually(async () => (await incidents.open()).length === 0, 'resolved once cancelled', 20_000);
    } finally {
      await service.stop('test');
    }
  });
});
