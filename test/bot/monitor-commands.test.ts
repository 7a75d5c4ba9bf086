// The monitor's Telegram side: inline buttons in the outbox (both stores), and end to end through the real bot
// against the fake Bot API: alerts with buttons, button presses, /errors /silence /silences /unsilence /ack.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queueAdminMessage } from '../../src/outbox/index.ts';
import type { Outbox } from '../../src/outbox/index.ts';
import { startService } from '../../src/main.ts';
import type { Service } from '../../src/main.ts';
import { Silences } from '../../src/monitor/alerts/index.ts';
import { Incidents } from '../../src/monitor/incidents/index.ts';
import type { Incident } from '../../src/monitor/incidents/index.ts';
import type { Finding } from '../../src/monitor/types.ts';
import { startFakeBotApi } from '../fakes/telegram/index.ts';
import type { FakeBotApi, FakeUser, SentCall } from '../fakes/telegram/index.ts';
import { ADMIN, STAFF, STRANGER, botEnv, testOutbox, textOf } from '../support/bot-service.ts';
import { tempDir } from '../support/service.ts';
import { STORE_KINDS, createTestStore, eventually } from '../support/stores.ts';
import type { TestStore } from '../support/stores.ts';

const BUTTONS = (id: number): Array<Array<{ text: string; data: string }>> => [
  [
    { text: 'Retry', data: `inc:retry:${id}` },
    { text: 'Silence 1 h', data: `inc:silence:${id}` },
    { text: 'Details', data: `inc:details:${id}` },
  ],
];
const KEYBOARD = (id: number): unknown => ({
  inline_keyboard: [BUTTONS(id)[0]?.map((b) => ({ text: b.text, callback_data: b.data }))],
});

function finding(over: Partial<Finding> = {}): Finding {
  return {
    rule: 'disk-low',
    errorType: 'disk_full',
    severity: 'critical',
    target: '/srv/media',
    message: 'disk almost full: 1 GB free',
    fields: {},
    action: null,
    notify: 'always',
    ...over,
  };
}

describe.each(STORE_KINDS)('alert buttons in the outbox on %s', (kind) => {
  let t: TestStore;
  let fake: FakeBotApi;
  let outbox: Outbox | null = null;

  beforeEach(async () => {
    t = await createTestStore(kind);
    fake = await startFakeBotApi();
  });
  afterEach(async () => {
    await outbox?.stop(500);
    outbox = null;
    await fake.close();
    await t.cleanup();
  });

  const sender = async (): Promise<Outbox> => {
    outbox = await testOutbox(t.store, fake);
    return outbox;
  };
  const sentCount = async (o: Outbox, n: number): Promise<void> =>
    eventually(async () => (await o.stats()).counts.sent === n, `${n} messages sent`);

  it('puts the buttons on the first part of a split message, as an inline keyboard with callback_data', async () => {
    const o = await sender();
    const text = `<b>3 incidents</b>\n${`${'x'.repeat(59)}\n`.repeat(100)}`;
    expect((await o.enqueue({ chatId: ADMIN.id, text, buttons: BUTTONS(7) })).length).toBe(2);
    o.start();
    await sentCount(o, 2);
    const [first, second] = fake.sent(ADMIN.id);
    expect(first?.params.reply_markup).toEqual(KEYBOARD(7));
    expect(second?.params.reply_markup).toBeUndefined();
    expect(textOf(first as SentCall)).toContain('3 incidents');
  });

  it("keeps the buttons when Telegram can't parse the HTML and the message goes again as plain text", async () => {
    const o = await sender();
    const [id] = await o.enqueue({ chatId: ADMIN.id, text: '<b>disk <i>full</b> #7', buttons: BUTTONS(7) });
    o.start();
    await sentCount(o, 1);
    expect((await o.get(id ?? 0))?.format).toBe('plain');
    const sent = fake.sent(ADMIN.id);
    expect(sent.length).toBe(1);
    expect(sent[0]?.params.parse_mode).toBeUndefined();
    expect(sent[0]?.params.reply_markup).toEqual(KEYBOARD(7));
    expect(fake.calls.filter((c) => c.error?.description.includes("can't parse entities")).length).toBe(1);
  });

  it('refuses bad buttons when the message is enqueued, saying what is wrong, and stores nothing', async () => {
    const o = await sender();
    const enqueue = (buttons: Array<Array<{ text: string; data: string }>>): Promise<number[]> =>
      o.enqueue({ chatId: ADMIN.id, text: 'x', buttons });
    // 33 characters but 66 bytes: the limit is Telegram's, in bytes.
    await expect(enqueue([[{ text: 'Retry', data: 'ñ'.repeat(33) }]])).rejects.toThrow(/bad buttons: .*over 64 bytes/);
    await expect(enqueue([[{ text: 'Retry', data: 'a'.repeat(65) }]])).rejects.toThrow(/over 64 bytes/);
    await expect(enqueue([[{ text: ' ', data: 'inc:retry:1' }]])).rejects.toThrow(/button has no text/);
    await expect(enqueue([[{ text: 'Retry', data: '' }]])).rejects.toThrow(/no callback data/);
    await expect(enqueue([[]])).rejects.toThrow(/row of buttons is empty/);
    await expect(enqueue([])).rejects.toThrow(/leave `buttons` out/);
    await expect(
      o.enqueue({ chatId: ADMIN.id, text: 'x', buttons: BUTTONS(1), replyMarkup: { inline_keyboard: [] } }),
    ).rejects.toThrow(/`buttons` or `replyMarkup`, not both/);
    expect((await o.stats()).counts.pending).toBe(0);
    // Exactly 64 bytes is fine.
    expect((await enqueue([[{ text: 'Retry', data: 'a'.repeat(64) }]])).length).toBe(1);
  });

  it('queueAdminMessage carries buttons to every admin chat, once per dedup key', async () => {
    const alert = { text: '🔴 <b>disk_full</b> #9', dedupKey: 'inc:9:fired', buttons: BUTTONS(9) };
    await queueAdminMessage(t.store, [ADMIN.id, STAFF.id], alert);
    await queueAdminMessage(t.store, [ADMIN.id, STAFF.id], alert);
    await expect(
      queueAdminMessage(t.store, [ADMIN.id], { text: 'x', buttons: [[{ text: 'R', data: 'z'.repeat(70) }]] }),
    ).rejects.toThrow(/over 64 bytes/);
    const o = await sender();
    o.start();
    await sentCount(o, 2);
    for (const chat of [ADMIN.id, STAFF.id]) {
      const sent = fake.sent(chat);
      expect(sent.length).toBe(1);
      expect(sent[0]?.params.reply_markup).toEqual(KEYBOARD(9));
    }
  });
});

describe('the monitor in the admin chat', () => {
  let fake: FakeBotApi;
  let service: Service | null = null;
  let dir: string;

  beforeEach(async () => {
    fake = await startFakeBotApi();
    dir = tempDir('centinela-monitor-bot-');
  });
  afterEach(async () => {
    await service?.stop('test over');
    service = null;
    await fake.close();
  });

  /** The service with only the bot (no monitor module that would take retry marks or send its own alerts). */
  const start = async (): Promise<Service> => {
    service = await startService({ env: botEnv(fake, dir), cwd: dir, only: ['bot'] });
    await eventually(() => fake.polling, 'the bot polls');
    return service;
  };
  const incidents = (): Incidents => new Incidents(service!.store, { journal: null });
  const record = async (over: Partial<Finding> = {}): Promise<Incident> =>
    (await incidents().record(finding(over))).incident;

  /** Sends a command as `from` and waits for the bot's answer in that chat. */
  const ask = async (from: FakeUser, command: string): Promise<string> => {
    const before = fake.calls.length;
    fake.command(from, command);
    const reply = await fake.waitFor(
      (c) => fake.calls.indexOf(c) >= before && c.method === 'sendMessage' && c.params.chat_id === from.id,
    );
    return textOf(reply);
  };
  /** Presses a button as `from` and returns the answerCallbackQuery call for that press. */
  const press = async (from: FakeUser, data: string, messageId: number): Promise<SentCall> => {
    const update = fake.callback(from, data, messageId);
    const id = update.callback_query?.id;
    return fake.waitFor((c) => c.method === 'answerCallbackQuery' && c.params.callback_query_id === id);
  };
  /** An alert about `incident` with its three buttons, delivered to the admin: the message the buttons are on. */
  const alert = async (incident: Incident): Promise<number> => {
    await queueAdminMessage(service!.store, [ADMIN.id], {
      text: `🔴 <b>${incident.errorType}</b> #${incident.id}`,
      dedupKey: `test:${incident.id}`,
      buttons: BUTTONS(incident.id),
    });
    const sent = await fake.waitFor(
      (c) => c.method === 'sendMessage' && textOf(c).includes(`#${incident.id}`) && c.result !== undefined,
      10_000,
    );
    expect(sent.params.reply_markup).toEqual(KEYBOARD(incident.id));
    return (sent.result as { message_id: number }).message_id;
  };

  it('Retry marks the incident for the engine and answers the press', async () => {
    await start();
    const incident = await record({
      action: { type: 'create_folder', params: { path: '/srv/media' }, attempts: 1, backoffMs: [] },
      notify: 'on_failure',
    });
    const messageId = await alert(incident);
    const answer = await press(ADMIN, `inc:retry:${incident.id}`, messageId);
    expect(String(answer.params.text)).toBe(`Reintento de #${incident.id} pedido.`);
    expect(answer.error).toBeUndefined();
    expect((await incidents().get(incident.id))?.retryRequested).toBe(true);
  });

  it('Retry on an incident with no repair leaves it as it is and says so, so that /ack still finds it (issue 10.10)', async () => {
    await start();
    const incident = await record();
    const messageId = await alert(incident);
    const answer = await press(ADMIN, `inc:retry:${incident.id}`, messageId);
    expect(String(answer.params.text)).toBe(
      `#${incident.id} no tiene reparación que repetir; /ack ${incident.id} lo da por visto.`,
    );
    expect((await incidents().get(incident.id))?.retryRequested).toBe(false);
  });

  it("Silence 1 h silences the incident's rule for an hour, by the admin who pressed", async () => {
    await start();
    const incident = await record();
    const messageId = await alert(incident);
    const before = Date.now();
    const answer = await press(ADMIN, `inc:silence:${incident.id}`, messageId);
    expect(String(answer.params.text)).toMatch(/^disk-low silenciado hasta \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/);
    const [silence, ...more] = await new Silences(service!.store).list();
    expect(more).toEqual([]);
    expect(silence).toMatchObject({ matcher: 'disk-low', reason: 'button', by: 'Ana' });
    expect(silence!.until).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(silence!.until).toBeLessThanOrEqual(Date.now() + 3_600_000);
  });

  it('Details replies with the incident and its state changes, in HTML', async () => {
    await start();
    const incident = await record({ message: 'disk almost full: <1 GB> free & falling' });
    await incidents().setState(incident.id, 'retrying', { attempt: 1, maxAttempts: 3, action: 'cleanup' });
    const messageId = await alert(incident);
    const before = fake.calls.length;
    const answer = await press(ADMIN, `inc:details:${incident.id}`, messageId);
    expect(String(answer.params.text)).toBe('Detalles enviados.');
    const details = await fake.waitFor(
      (c) => fake.calls.indexOf(c) >= before && c.method === 'sendMessage' && c.params.chat_id === ADMIN.id,
    );
    expect(details.params.parse_mode).toBe('HTML');
    const visible = fake.messageText(ADMIN.id, (details.result as { message_id: number }).message_id) ?? '';
    expect(visible).toContain('disk almost full: <1 GB> free & falling');
    expect(visible).toContain('Cambios de estado, el más reciente primero:');
    // Newest first: retrying before detected.
    expect(visible.indexOf('retrying', visible.indexOf('Cambios'))).toBeLessThan(visible.lastIndexOf('detected'));
  });

  it('refuses presses by staff and by strangers, answering them and changing nothing', async () => {
    await start();
    const incident = await record();
    const messageId = await alert(incident);
    for (const data of [`inc:retry:${incident.id}`, `inc:silence:${incident.id}`]) {
      const staff = await press(STAFF, data, messageId);
      expect(staff.params).toMatchObject({
        text: 'Solo los administradores pueden usar estos botones.',
        show_alert: true,
      });
    }
    const stranger = await press(STRANGER, `inc:retry:${incident.id}`, messageId);
    expect(String(stranger.params.text)).toContain(`your id is ${STRANGER.id}`);
    expect((await incidents().get(incident.id))?.retryRequested).toBe(false);
    expect(await new Silences(service!.store).list()).toEqual([]);
    // No chat message for a refused press: the answer is the popup.
    expect(fake.sent(STAFF.id)).toEqual([]);
    expect(fake.sent(STRANGER.id)).toEqual([]);
  });

  it('answers a press on an incident that does not exist, or on a button it does not know', async () => {
    await start();
    const incident = await record({
      action: { type: 'create_folder', params: { path: '/srv/media' }, attempts: 1, backoffMs: [] },
      notify: 'on_failure',
    });
    const messageId = await alert(incident);
    for (const action of ['retry', 'silence', 'details']) {
      const gone = await press(ADMIN, `inc:${action}:99999`, messageId);
      expect(String(gone.params.text)).toBe('El incidente #99999 ya no existe. No hice nada.');
    }
    const unknown = await press(ADMIN, 'inc:explode:1', messageId);
    expect(String(unknown.params.text)).toBe('No conozco este botón (¿un mensaje antiguo?). No hice nada.');
    // Pressed on a message Telegram no longer shows (inaccessible): still answered.
    const old = await press(ADMIN, `inc:retry:${incident.id}`, 424242);
    expect(String(old.params.text)).toBe(`Reintento de #${incident.id} pedido.`);
    // Solved since the alert: nothing to retry, and no mark left for the engine.
    await incidents().takeRetryRequests();
    await incidents().resolve(incident.rule, incident.target);
    const solved = await press(ADMIN, `inc:retry:${incident.id}`, messageId);
    expect(String(solved.params.text)).toBe(`#${incident.id} ya está resuelto: no hay nada que reintentar.`);
    expect((await incidents().get(incident.id))?.retryRequested).toBe(false);
  });

  it('/errors lists open incidents newest first with counts by type, and filters by type', async () => {
    await start();
    expect(await ask(ADMIN, '/errors')).toBe('No hay incidentes abiertos.');
    const disk = await record();
    const timeout = await record({
      rule: 'download-timeout',
      errorType: 'download_timeout',
      severity: 'warning',
      target: 'job 12',
      message: 'download timed out',
    });
    await incidents().record(finding()); // counted again
    const all = await ask(ADMIN, '/errors');
    expect(all).toContain('Incidentes abiertos: 2');
    expect(all).toMatch(/Por tipo \(abiertos\/todos\): .*disk_full 1\/1/);
    expect(all).toContain('download_timeout 1/1');
    const lines = all.split('\n').filter((l) => l.startsWith('#'));
    // In the order the store gives, newest first.
    const order = (await incidents().list({ open: true })).map((i) => `#${i.id}`);
    expect(order.sort()).toEqual([`#${disk.id}`, `#${timeout.id}`].sort());
    expect(lines.map((l) => l.split(' ')[0])).toEqual((await incidents().list({ open: true })).map((i) => `#${i.id}`));
    expect(lines.find((l) => l.startsWith(`#${disk.id} `))).toContain(
      '🔴 disk_full — /srv/media: disk almost full: 1 GB free (detected, 2×',
    );
    const filtered = await ask(ADMIN, '/errors download_timeout');
    expect(filtered).toContain('Incidentes abiertos de tipo download_timeout: 1');
    expect(filtered).not.toContain('disk_full');
    expect(await ask(ADMIN, '/errors nothing_such')).toBe('No hay incidentes abiertos de tipo nothing_such.');
    expect(await ask(ADMIN, '/errors <b>')).toMatch(/^Uso: \/errors \[tipo\]/);
    expect(await ask(STAFF, '/errors')).toBe('Ese comando es solo para administradores.');
  });

  it('/errors stays within one Telegram message and counts what it leaves out', async () => {
    await start();
    for (let i = 0; i < 45; i++) await record({ target: `/srv/media/${i}`, message: `${'m'.repeat(190)} ${i}` });
    const text = await ask(ADMIN, '/errors');
    expect(text.length).toBeLessThanOrEqual(4096);
    const shown = text.split('\n').filter((l) => l.startsWith('#')).length;
    expect(shown).toBeGreaterThan(5);
    expect(text.split('\n').at(-1)).toBe(`… y ${45 - shown} más: centinela incidents --open los lista todos.`);
  });

  it('/silence, /silences and /unsilence, with their usage errors', async () => {
    await start();
    expect(await ask(ADMIN, '/silence')).toMatch(/^Uso: \/silence <regla o tipo> <duración>/);
    expect(await ask(ADMIN, '/silence disk_full')).toMatch(/^Uso: \/silence/);
    expect(await ask(ADMIN, '/silence disk_full 5x')).toMatch(/^«5x» no es una duración: .*\nUso: \/silence/);
    expect(await ask(ADMIN, '/silence disk_full 0m')).toMatch(/^«0m» no es una duración/);
    expect(await ask(ADMIN, '/silence disk_full 400d')).toMatch(/como mucho 365d/);
    expect(await ask(ADMIN, '/silence <x> 1h')).toMatch(/^«<x>» no es un id de regla/);
    expect(await ask(ADMIN, `/silence disk_full 1h ${'x'.repeat(501)}`)).toBe(
      'El motivo es demasiado largo: como mucho 500 caracteres.',
    );
    expect(await ask(ADMIN, '/silences')).toBe('No hay silencios activos.');

    const done = await ask(ADMIN, '/silence disk_full 2h cambiando el disco');
    const id = /silencio #(\d+)/.exec(done)?.[1];
    expect(done).toMatch(
      /^disk_full silenciado hasta \d{4}-\d\d-\d\d \d\d:\d\d UTC \(silencio #\d+; \/unsilence \d+ lo quita\)\.$/,
    );
    await ask(ADMIN, '/silence download-timeout 30m');
    const list = await ask(ADMIN, '/silences');
    expect(list).toContain(`#${id} disk_full hasta`);
    expect(list).toContain('por Ana: cambiando el disco');
    expect(list).toMatch(/download-timeout hasta .*, por Ana: —/);
    const stored = await new Silences(service!.store).list();
    expect(stored.find((s) => s.matcher === 'disk_full')?.until).toBeGreaterThan(Date.now() + 7_100_000);

    expect(await ask(ADMIN, '/unsilence')).toMatch(/^Uso: \/unsilence/);
    expect(await ask(ADMIN, '/unsilence nothing_such')).toBe(
      'Ningún silencio activo coincide con nothing_such. /silences los lista.',
    );
    expect(await ask(ADMIN, `/unsilence #${id}`)).toBe('1 silencio quitado.');
    expect(await ask(ADMIN, '/unsilence download-timeout')).toBe('1 silencio quitado.');
    expect(await ask(ADMIN, '/silences')).toBe('No hay silencios activos.');
    expect(await ask(STAFF, '/silence disk_full 1h')).toBe('Ese comando es solo para administradores.');
  });

  it('/ack acknowledges an incident by the admin, with its usage errors', async () => {
    await start();
    const incident = await record();
    expect(await ask(ADMIN, '/ack')).toMatch(/^Uso: \/ack <id del incidente>/);
    expect(await ask(ADMIN, '/ack twelve')).toMatch(/^Uso: \/ack/);
    expect(await ask(ADMIN, '/ack 99999')).toBe('No existe el incidente #99999. /errors lista los abiertos.');
    expect(await ask(ADMIN, `/ack #${incident.id}`)).toBe(
      `Incidente #${incident.id} visto: no habrá más recordatorios.`,
    );
    const acked = await incidents().get(incident.id);
    expect(acked?.ackedBy).toBe('Ana');
    expect(await ask(ADMIN, '/errors')).toContain(', visto por Ana');
  });

  it("puts the monitor commands in the admins' menu only", async () => {
    await start();
    await eventually(() => fake.commands({ type: 'chat', chat_id: STAFF.id }) !== undefined, 'menus published');
    const adminMenu = (fake.commands({ type: 'chat', chat_id: ADMIN.id }) ?? []).map((c) => c.command);
    expect(adminMenu).toEqual(expect.arrayContaining(['errors', 'silence', 'silences', 'unsilence', 'ack']));
    const staffMenu = (fake.commands({ type: 'chat', chat_id: STAFF.id }) ?? []).map((c) => c.command);
    expect(staffMenu).not.toContain('errors');
    expect(await ask(ADMIN, '/help')).toContain(
      '/silence — silenciar alertas: /silence <regla|tipo> <duración> [motivo]',
    );
  });

  it('keeps silences across a restart of the service on the same data folder', async () => {
    await start();
    await ask(ADMIN, '/silence disk_full 3h mantenimiento');
    await service!.stop('restart');
    service = null;
    await start();
    const list = await ask(ADMIN, '/silences');
    expect(list).toMatch(/^Silencios activos:\n#\d+ disk_full hasta .*, por Ana: mantenimiento$/);
  });
});
