// Alerts on real SQLite and real PostgreSQL, read back from the outbox table: group_wait, the alert storm,
// reminders per severity, acks, silences (kept across handles), inhibition, and buttons on single alerts.
import type { Kysely } from 'kysely';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboxTables } from '../../../src/outbox/index.ts';
import { withTables } from '../../../src/core/store/index.ts';
import type { Store } from '../../../src/core/store/index.ts';
import { Alerts, Silences, formatIncident } from '../../../src/monitor/alerts/index.ts';
import type { AlertTables, NoticeEvent } from '../../../src/monitor/alerts/index.ts';
import { Incidents } from '../../../src/monitor/incidents/index.ts';
import type { Incident } from '../../../src/monitor/incidents/index.ts';
import type { Finding } from '../../../src/monitor/types.ts';
import { STORE_KINDS, createTestStore } from '../../support/stores.ts';
import type { TestStore } from '../../support/stores.ts';

const ADMIN = 5001;
const T0 = Date.parse('2026-01-05T14:30:00Z');
const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const quiet = pino({ level: 'silent' });

function finding(over: Partial<Finding> = {}): Finding {
  return {
    rule: 'download_timeout',
    errorType: 'download_timeout',
    severity: 'critical',
    target: 'job-42',
    message: 'download timed out after 30 s',
    fields: { job_id: '42' },
    action: null,
    notify: 'always',
    ...over,
  };
}

interface Row {
  chat_id: number;
  text: string;
  buttons: string[] | null;
}

describe.each(STORE_KINDS)('alerts on %s', (kind) => {
  let t: TestStore;
  let now: number;
  let incidents: Incidents;
  let alerts: Alerts;
  let db: Kysely<OutboxTables & AlertTables>;

  const makeAlerts = (store: Store): Alerts =>
    new Alerts({
      store,
      log: quiet,
      chats: [ADMIN],
      groupWaitMs: 10 * S,
      repeatMs: { critical: H, warning: 4 * H },
      now: () => now,
      lang: 'en',
    });

  /** What the outbox holds for the admin, oldest first, with the callback data of its buttons. */
  const outbox = async (): Promise<Row[]> => {
    const rows = await db.selectFrom('outbox').select(['chat_id', 'text', 'reply_markup']).orderBy('id').execute();
    return rows.map((r) => {
      const markup = r.reply_markup
        ? (JSON.parse(r.reply_markup) as { inline_keyboard: Array<Array<{ callback_data: string }>> })
        : null;
      return {
        chat_id: Number(r.chat_id),
        text: r.text,
        buttons: markup ? markup.inline_keyboard.flat().map((b) => b.callback_data) : null,
      };
    });
  };

  /** Records a finding and announces it as the engine does for a new incident. */
  const fire = async (over: Partial<Finding> = {}): Promise<Incident> => {
    const { incident, isNew } = await incidents.record(finding(over));
    if (isNew) await alerts.notify(incident, 'fired');
    return incident;
  };

  const notice = async (
    incidentId: number,
    event: NoticeEvent = 'fired',
  ): Promise<{ state: string; muted_reason: string | null }> =>
    db
      .selectFrom('alert_notices')
      .select(['state', 'muted_reason'])
      .where('incident_id', '=', incidentId)
      .where('event', '=', event)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();

  beforeEach(async () => {
    t = await createTestStore(kind);
    now = T0;
    db = withTables<OutboxTables & AlertTables>(t.store);
    incidents = new Incidents(t.store, { journal: null, now: () => now });
    alerts = makeAlerts(t.store);
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it('waits group_wait and sends incidents that arrive within it as one message; buttons only on a single-incident message', async () => {
    const a = await fire({ target: 'job-1' });
    now += 2 * S;
    const b = await fire({
      rule: 'eacces',
      errorType: 'permission_denied',
      target: '/srv/media/x',
      severity: 'warning',
    });
    now += 3 * S;
    const c = await fire({ target: 'job-2' });
    expect(await alerts.flush()).toBe(0);
    expect(await outbox()).toEqual([]);
    now = T0 + 10 * S;
    expect(await alerts.flush()).toBe(1);
    const [grouped] = await outbox();
    expect(grouped?.chat_id).toBe(ADMIN);
    expect(grouped?.text).toContain('3 incidents');
    for (const i of [a, b, c]) expect(grouped?.text).toContain(`#${i.id} `);
    expect(grouped?.buttons).toBeNull();
    expect(await alerts.flush()).toBe(0);

    now += 10 * S;
    const d = await fire({ target: 'job-3', message: 'timeout <b>&</b>' });
    now += 9 * S;
    expect(await alerts.flush()).toBe(0);
    now += S;
    expect(await alerts.flush()).toBe(1);
    const single = (await outbox())[1];
    expect(single?.text).toContain(`CRITICAL · Incident #${d.id}`);
    expect(single?.text).toContain('timeout &lt;b&gt;&amp;&lt;/b&gt;');
    expect(single?.buttons).toEqual([`inc:retry:${d.id}`, `inc:silence:${d.id}`, `inc:details:${d.id}`]);
  });

  it('turns an alert storm (1,000 identical errors in 10 s) into at most 2 messages: fired, then resolved', async () => {
    let id = 0;
    for (let i = 0; i < 1000; i++) {
      now = T0 + i * 10;
      const { incident } = await incidents.record(finding());
      id = incident.id;
      // Worse than the engine, which notifies only a new incident: every occurrence is reported.
      await alerts.notify(incident, 'fired');
      if (i % 100 === 99) await alerts.flush();
    }
    now = T0 + 10 * S;
    await alerts.flush();
    now = T0 + 3 * MIN;
    const solved = await incidents.resolve('download_timeout', 'job-42');
    if (!solved) throw new Error('the storm incident was not open');
    await alerts.notify(solved, 'resolved');
    await alerts.notify(solved, 'resolved');
    now += 10 * S;
    await alerts.flush();
    now += H;
    await alerts.flush();

    const rows = await outbox();
    expect(rows.length).toBeLessThanOrEqual(2);
    expect(rows).toHaveLength(2);
    expect(rows[0]?.text).toContain(`Incident #${id}`);
    expect(rows[0]?.text).toContain('Count: 1000');
    expect(rows[1]?.text).toContain(`#${id}`);
    expect(rows[1]?.text).toContain('resolved after 3 min');
    expect(rows[1]?.buttons).toEqual([`inc:details:${id}`]);
  });

  it('reminds of open incidents at the repeat of their severity, until acked or resolved', async () => {
    const crit = await fire({ target: 'job-1' });
    const warn = await fire({ rule: 'eacces', errorType: 'permission_denied', target: '/srv/x', severity: 'warning' });
    now = T0 + 10 * S;
    expect(await alerts.flush()).toBe(1);
    now += 59 * MIN;
    expect(await alerts.flush()).toBe(0);
    now += MIN;
    expect(await alerts.flush()).toBe(1);
    const reminder = (await outbox()).at(-1);
    expect(reminder?.text).toContain('Still open after 1 h');
    expect(reminder?.text).toContain(`Incident #${crit.id}`);
    expect(reminder?.text).not.toContain(`#${warn.id}`);
    expect(reminder?.buttons).toEqual([`inc:retry:${crit.id}`, `inc:silence:${crit.id}`, `inc:details:${crit.id}`]);
    expect(await alerts.flush()).toBe(0);

    // Acked: no more reminders for it; the warning gets its own after 4 h.
    await incidents.ack(crit.id, 'ana');
    now = T0 + 10 * S + 4 * H;
    expect(await alerts.flush()).toBe(1);
    const fourHours = (await outbox()).at(-1);
    expect(fourHours?.text).toContain(`#${warn.id}`);
    expect(fourHours?.text).not.toContain(`#${crit.id}`);
    // Resolved: no reminders at all.
    await incidents.resolve('eacces', '/srv/x');
    now += 10 * H;
    expect(await alerts.flush()).toBe(0);
    expect(await outbox()).toHaveLength(3);
  });

  it('mutes incidents a silence covers, by rule or by error type; silences persist and can be ended', async () => {
    const silences = new Silences(t.store, { now: () => now });
    const byRule = await silences.add({
      matcher: 'download_timeout',
      durationMs: H,
      reason: 'known outage',
      by: 'ana',
    });
    await silences.add({ matcher: 'permission_denied', durationMs: 2 * H, reason: '', by: 'luis' });
    // Another process (a new handle on the same store) sees them: they survive a restart.
    const elsewhere = new Silences(await t.open(), { now: () => now });
    expect((await elsewhere.list()).map((s) => [s.matcher, s.until, s.by])).toEqual([
      ['download_timeout', T0 + H, 'ana'],
      ['permission_denied', T0 + 2 * H, 'luis'],
    ]);

    const a = await fire({ target: 'job-1' });
    const b = await fire({ rule: 'eacces', errorType: 'permission_denied', target: '/srv/x', severity: 'warning' });
    const c = await fire({ rule: 'disk', errorType: 'disk_low', target: '/srv', severity: 'warning' });
    now += 10 * S;
    expect(await alerts.flush()).toBe(1);
    const [sent] = await outbox();
    expect(sent?.text).toContain(`#${c.id}`);
    expect(sent?.text).not.toContain(`#${a.id}`);
    expect(sent?.text).not.toContain(`#${b.id}`);
    expect(await notice(a.id)).toEqual({
      state: 'muted',
      muted_reason: `silence #${byRule.id} (download_timeout) until 2026-01-05 15:30 UTC`,
    });
    expect((await notice(b.id)).muted_reason).toMatch(/^silence #\d+ \(permission_denied\)/);

    // Ended by matcher from the other handle: the next one is told.
    expect(await elsewhere.remove('download_timeout')).toBe(1);
    expect(await silences.remove('download_timeout')).toBe(0);
    const d = await fire({ target: 'job-2' });
    now += 10 * S;
    expect(await alerts.flush()).toBe(1);
    expect((await outbox())[1]?.text).toContain(`Incident #${d.id}`);
    // Expired: covers nothing, listed no more.
    now = T0 + 3 * H;
    expect(await silences.list()).toEqual([]);
    expect(await silences.covering(b)).toBeNull();
    await expect(silences.add({ matcher: 'two words', durationMs: H, reason: '', by: 'ana' })).rejects.toThrow(
      /one word/,
    );
    await expect(silences.add({ matcher: 'x', durationMs: 0, reason: '', by: 'ana' })).rejects.toThrow(
      /longer than zero/,
    );
  });

  it('inhibits download and send timeouts while the Bot API is down, and write failures while the disk is critical', async () => {
    const api = await fire({ rule: 'bot_api', errorType: 'bot_api_down', target: 'http://127.0.0.1:8081' });
    const dl = await fire({ target: 'job-1' });
    const send = await fire({ rule: 'send_timeout', errorType: 'send_timeout', target: 'chat-7' });
    const other = await fire({ rule: 'eacces', errorType: 'permission_denied', target: '/srv/x' });
    now += 10 * S;
    expect(await alerts.flush()).toBe(1);
    const [first] = await outbox();
    expect(first?.text).toContain(`#${api.id} `);
    expect(first?.text).toContain(`#${other.id} `);
    expect(first?.text).not.toContain(`#${dl.id} `);
    expect(await notice(dl.id)).toEqual({ state: 'muted', muted_reason: `inhibited by #${api.id} (bot_api_down)` });
    expect((await notice(send.id)).muted_reason).toBe(`inhibited by #${api.id} (bot_api_down)`);

    // The Bot API is back: a new timeout is told again.
    await incidents.resolve('bot_api', 'http://127.0.0.1:8081');
    const later = await fire({ target: 'job-9' });
    now += 10 * S;
    await alerts.flush();
    expect((await outbox()).at(-1)?.text).toContain(`Incident #${later.id}`);

    const disk = await fire({ rule: 'disk', errorType: 'disk_critical', target: '/srv/media' });
    now += 10 * S;
    await alerts.flush();
    const write = await fire({ rule: 'enospc', errorType: 'write_failure', target: '/srv/media/a.mp4' });
    const dl2 = await fire({ target: 'job-10' });
    now += 10 * S;
    expect(await alerts.flush()).toBe(1);
    expect((await outbox()).at(-1)?.text).toContain(`Incident #${dl2.id}`);
    expect(await notice(write.id)).toEqual({
      state: 'muted',
      muted_reason: `inhibited by #${disk.id} (disk_critical)`,
    });
  });

  it('never sends info, tells a resolution only of what was told, and one flush of two processes sends once', async () => {
    const info = await fire({ severity: 'info', target: 'job-0' });
    now += 10 * S;
    expect(await alerts.flush()).toBe(0);
    expect(await db.selectFrom('alert_notices').select('id').where('incident_id', '=', info.id).execute()).toEqual([]);

    // Never announced (notify never/on_failure): its resolution is muted too.
    const silent = (await incidents.record(finding({ target: 'job-5' }))).incident;
    const solved = await incidents.resolve('download_timeout', 'job-5');
    if (!solved) throw new Error('not open');
    await alerts.notify(solved, 'resolved');
    // Fired and solved within one group_wait: one message, as resolved.
    const quick = await fire({ target: 'job-6' });
    now += 30 * S;
    const quickSolved = await incidents.resolve('download_timeout', 'job-6');
    if (!quickSolved) throw new Error('not open');
    await alerts.notify(quickSolved, 'resolved');
    const other = makeAlerts(await t.open());
    now += 10 * S;
    const sent = await Promise.all([alerts.flush(), other.flush(), alerts.flush()]);
    expect(sent.reduce((a, b) => a + b, 0)).toBe(1);
    const rows = await outbox();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.text).toContain(`#${quick.id}`);
    expect(rows[0]?.text).toContain('resolved after 30 s');
    expect(await notice(silent.id, 'resolved')).toEqual({
      state: 'muted',
      muted_reason: 'its incident was never announced',
    });
  });

  it('formats Details in Spanish by default, escaping what came from outside', async () => {
    const i = await fire({ message: 'bad <path> & "quotes"', fields: { model: 'víctor', path: '/srv/<x>' } });
    const html = formatIncident(i);
    expect(html).toContain(`#${i.id} download_timeout`);
    expect(html).toContain('CRÍTICO');
    expect(html).toContain('Regla: <code>download_timeout</code>');
    expect(html).toContain('bad &lt;path&gt; &amp; &quot;quotes&quot;');
    expect(html).toContain('path=<code>/srv/&lt;x&gt;</code>');
    expect(formatIncident(i, 'en')).toContain('Rule: <code>download_timeout</code>');
  });
});
