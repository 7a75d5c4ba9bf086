// Approval of a post's caption through the admins' buttons, with the real bot, the fake Bot API and a real store:
// Approve publishes the caption the admins saw; Edit takes the admin's next text and asks again, and the older
// message's buttons are refused; Reject cancels; staff's and strangers' presses change nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Service } from '../../src/main.ts';
import { PostRecords } from '../../src/pipeline/content/index.ts';
import type { Post } from '../../src/pipeline/content/index.ts';
import { startFakeBotApi } from '../fakes/telegram/index.ts';
import type { FakeBotApi, FakeUser, SentCall } from '../fakes/telegram/index.ts';
import { ADMIN, MODEL, STAFF, STRANGER, mp4, startBotService, textOf } from '../support/bot-service.ts';
import { createDatabase } from '../support/postgres.ts';
import { STORE_KINDS, eventually } from '../support/stores.ts';

const CHANNEL = -1001234567890;
let fake: FakeBotApi | null = null;
let service: Service | null = null;
let dropDatabase: (() => Promise<void>) | null = null;
afterEach(async () => {
  await service?.stop('test over');
  await fake?.close();
  await dropDatabase?.();
  service = null;
  fake = null;
  dropDatabase = null;
});

interface Buttons {
  inline_keyboard: { text: string; callback_data: string }[][];
}

describe.each(STORE_KINDS)('approval buttons on %s', (kind) => {
  /** The service with approval on, a creator's video sent in, and the admins' approval message about its post. */
  async function videoAwaitingApproval(
    extra: Record<string, string> = {},
    chatId = ADMIN.id,
  ): Promise<{ api: FakeBotApi; posts: PostRecords; post: Post; ask: SentCall }> {
    const api = await startFakeBotApi();
    fake = api;
    const env: Record<string, string> = {
      CENTINELA_CONTENT_CHANNEL: String(CHANNEL),
      CENTINELA_CONTENT_APPROVAL: 'true',
      // The bytes are an MP4 header and no picture: the first-bytes check alone takes them.
      CENTINELA_CONTENT_VIDEO_FFPROBE: '/nonexistent/bin/ffprobe',
      CENTINELA_CONTENT_CREATORS: JSON.stringify([
        { folder: 'victor', language: 'en', timezone: 'America/Mexico_City', caption_template: 'New from {creator}' },
      ]),
      ...extra,
    };
    if (kind === 'postgres') {
      const db = await createDatabase(inject('postgresUrl'));
      env.DATABASE_URL = db.url;
      dropDatabase = db.drop;
    }
    service = (await startBotService(api, env)).service;
    api.video(MODEL, { bytes: mp4(Buffer.alloc(50_000, 7)), fileName: 'clip.mp4' });
    const ask = await approvalMessage(api, 'New from victor', 15_000, chatId);
    const posts = new PostRecords(service.store);
    const [post] = await posts.inStates(['awaiting_approval']);
    if (!post) throw new Error('no post awaits approval');
    return { api, posts, post, ask };
  }

  function approvalMessage(api: FakeBotApi, caption: string, timeoutMs = 5000, chatId = ADMIN.id): Promise<SentCall> {
    return api.waitFor(
      (c) =>
        c.method === 'sendMessage' &&
        c.result !== undefined &&
        c.params.chat_id === chatId &&
        textOf(c).includes('espera tu aprobación') &&
        textOf(c).endsWith(caption),
      timeoutMs,
    );
  }

  function button(ask: SentCall, action: string): { data: string; messageId: number } {
    const row = (ask.params.reply_markup as Buttons).inline_keyboard[0] ?? [];
    const b = row.find((x) => x.callback_data.startsWith(`appr:${action}:`));
    if (!b) throw new Error(`no ${action} button`);
    return { data: b.callback_data, messageId: (ask.result as { message_id: number }).message_id };
  }

  async function press(api: FakeBotApi, from: FakeUser, b: { data: string; messageId: number }): Promise<SentCall> {
    const id = api.callback(from, b.data, b.messageId).callback_query?.id;
    return api.waitFor((c) => c.method === 'answerCallbackQuery' && c.params.callback_query_id === id);
  }

  it("Approve publishes the caption the admins saw, once; staff's and a stranger's presses change nothing", async () => {
    const { api, posts, post, ask } = await videoAwaitingApproval();
    expect(ask.params.parse_mode).toBe('HTML');
    expect((ask.params.reply_markup as Buttons).inline_keyboard[0]?.map((b) => b.text)).toEqual([
      'Aprobar',
      'Editar',
      'Rechazar',
    ]);

    const staff = await press(api, STAFF, button(ask, 'approve'));
    expect(staff.params).toMatchObject({
      show_alert: true,
      text: 'Solo los administradores pueden usar estos botones.',
    });
    const stranger = await press(api, STRANGER, button(ask, 'approve'));
    expect(stranger.params.show_alert).toBe(true);
    expect(String(stranger.params.text)).toContain(String(STRANGER.id));
    expect((await posts.get(post.id))?.state).toBe('awaiting_approval');
    expect(api.requests('sendVideo')).toBe(0);

    const answer = await press(api, ADMIN, button(ask, 'approve'));
    expect(String(answer.params.text)).toMatch(new RegExp(`^Publicación #${post.id} aprobada: sale el .+`));
    const published = await api.waitFor((c) => c.method === 'sendVideo' && c.result !== undefined, 15_000);
    expect(published.params).toMatchObject({ chat_id: String(CHANNEL), caption: 'New from victor' });
    await eventually(async () => (await posts.get(post.id))?.state === 'sent', 'the post is sent');
    expect((await posts.history(post.id)).map((h) => [h.from_state, h.to_state, h.detail])).toContainEqual([
      'awaiting_approval',
      'scheduled',
      'Ana (telegram 1001): approved',
    ]);

    // A second press on the same message: nothing happens twice.
    const again = await press(api, ADMIN, button(ask, 'approve'));
    expect(String(again.params.text)).toBe(`La publicación #${post.id} está ahora sent: no se hizo nada.`);
    expect(api.requests('sendVideo')).toBe(1);
  });

  it("Edit takes the admin's next text and asks again; the older message is refused; Reject cancels", async () => {
    const { api, posts, post, ask } = await videoAwaitingApproval();
    const edit = await press(api, ADMIN, button(ask, 'edit'));
    expect(String(edit.params.text)).toBe(
      `Envía el nuevo texto de la publicación #${post.id} como tu próximo mensaje en este chat.`,
    );
    // Another user's text does not count as the admin's caption.
    api.text(STAFF, 'not a caption');
    api.text(ADMIN, 'Pan <recién> hecho');
    const fresh = await approvalMessage(api, 'Pan &lt;recién&gt; hecho');
    await api.waitFor(
      (c) =>
        c.method === 'sendMessage' && c.params.chat_id === ADMIN.id && textOf(c).startsWith('Texto de la publicación'),
    );
    expect(await posts.get(post.id)).toMatchObject({
      state: 'awaiting_approval',
      caption: 'Pan &lt;recién&gt; hecho',
      caption_from_template: 0,
    });

    const outdated = await press(api, ADMIN, button(ask, 'approve'));
    expect(outdated.params).toMatchObject({
      show_alert: true,
      text: `El texto de la publicación #${post.id} cambió desde este mensaje: aprueba el nuevo (el último mensaje sobre ella).`,
    });
    expect((await posts.get(post.id))?.state).toBe('awaiting_approval');
    // The new message's buttons carry the new caption's hash.
    expect(button(fresh, 'approve').data).not.toBe(button(ask, 'approve').data);

    const rejected = await press(api, ADMIN, button(fresh, 'reject'));
    expect(String(rejected.params.text)).toBe(`Publicación #${post.id} rechazada: no se publicará.`);
    expect((await posts.get(post.id))?.state).toBe('cancelled');
    expect((await posts.history(post.id)).map((h) => h.detail)).toEqual(
      expect.arrayContaining(['Ana (telegram 1001): edited the caption', 'Ana (telegram 1001): rejected']),
    );
    const late = await press(api, ADMIN, button(fresh, 'approve'));
    expect(String(late.params.text)).toBe(`La publicación #${post.id} está ahora cancelled: no se hizo nada.`);
    expect(api.requests('sendVideo')).toBe(0);
  });

  it('in an admin group outside telegram.groups the bot reads only the caption it asked an admin for', async () => {
    const group = { id: -4001, type: 'group' as const };
    const { api, posts, post, ask } = await videoAwaitingApproval(
      { CENTINELA_TELEGRAM_ADMIN_CHATS: JSON.stringify([group.id]) },
      group.id,
    );
    await press(api, ADMIN, button(ask, 'edit'));
    await api.waitFor(
      (c) => c.method === 'sendMessage' && c.params.chat_id === group.id && textOf(c).startsWith('Envía'),
    );
    // The same admin in their private chat is not where the edit was asked for.
    api.text(ADMIN, 'not here');
    api.text(ADMIN, 'Pan del día', group);
    const fresh = await approvalMessage(api, 'Pan del día', 5000, group.id);
    expect((await posts.get(post.id))?.caption).toBe('Pan del día');
    // With no edit pending, an admin's chatter and commands in the group get no answer, as before.
    api.text(ADMIN, 'hola a todos', group);
    api.text(ADMIN, '/queue', group);
    await press(api, ADMIN, button(fresh, 'reject'));
    expect((await posts.get(post.id))?.caption).toBe('Pan del día');
    const answers = api
      .sent(group.id)
      .filter((c) => c.method === 'sendMessage')
      .map((c) => textOf(c).split(':')[0]);
    expect(answers).toEqual([
      expect.stringContaining('espera tu aprobación'),
      `Envía el nuevo texto de la publicación #${post.id} como tu próximo mensaje en este chat.`.split(':')[0],
      `Texto de la publicación #${post.id} cambiado`,
      expect.stringContaining('espera tu aprobación'),
    ]);
  });
});
