// SIGKILL during the publish call: the call may have reached Telegram (here it did), so the post must not be
// published again by itself. The next worker finds it `sending`, makes it unknown and asks the admins; their
// answer is what happens.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PostActions, PostRecords } from '../../../src/pipeline/content/index.ts';
import { startFakeBotApi } from '../../fakes/telegram/index.ts';
import type { FakeBotApi } from '../../fakes/telegram/index.ts';
import { ADMIN, CHANNEL, testPoster } from '../../support/content-poster.ts';
import { REPO, cleanEnv, tempDir } from '../../support/service.ts';
import { STORE_KINDS, createTestStore, eventually, testQueue } from '../../support/stores.ts';
import type { TestStore } from '../../support/stores.ts';
import type { Queue } from '../../../src/core/queue/index.ts';
import { sql } from 'kysely';
import { startService } from '../../../src/main.ts';
import type { Service } from '../../../src/main.ts';
import { ADMIN as BOT_ADMIN, botEnv } from '../../support/bot-service.ts';
import type { SentCall } from '../../fakes/telegram/index.ts';

const CHILD = join(REPO, 'test/support/poster-child.ts');

let t: TestStore | null = null;
let fake: FakeBotApi | null = null;
let queue: Queue | null = null;
let service: Service | null = null;
afterEach(async () => {
  await service?.stop('test over');
  service = null;
  await queue?.stop(1000);
  await fake?.close();
  await t?.cleanup();
  t = null;
  fake = null;
  queue = null;
});

describe.each(STORE_KINDS)('poster crash on %s', (kind) => {
  it('a SIGKILL while sending leaves the post unknown, posted once; the admin says it was published', async () => {
    t = await createTestStore(kind);
    fake = await startFakeBotApi();
    const update = fake.video({ id: 500, first_name: 'Victor' }, { bytes: Buffer.from('mp4'), fileName: 'a.mp4' });
    const telegramFileId = update.message?.video?.file_id ?? '';
    const posts = new PostRecords(t.store);
    const { post } = await posts.create({
      fileId: 1,
      creator: 'victor',
      target: CHANNEL,
      caption: 'Hola',
      state: 'scheduled',
      plannedAt: Date.now(),
    });
    // Telegram takes the call and posts it 1.5 s later, whether or not the caller is still there.
    fake.fail('sendVideo', { stallMs: 1500 });
    const child = spawn(process.execPath, [CHILD], {
      env: cleanEnv({
        POSTER_CHILD: JSON.stringify({ spec: t.spec, apiRoot: fake.apiRoot, token: fake.token, telegramFileId }),
      }),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exit = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
    const api = fake;
    await eventually(() => api.requests('sendVideo') === 1, 'the publish call reached Telegram');
    expect((await posts.get(post.id))?.state).toBe('sending');
    child.kill('SIGKILL');
    expect(await exit).toBeNull();
    await eventually(() => api.sent(Number(CHANNEL)).length === 1, 'Telegram posted it');

    // The service again: its worker takes the job the dead one held, and finds the post still sending.
    queue = await testQueue(t.store);
    const poster = await testPoster(t.store, queue, { apiRoot: fake.apiRoot, token: fake.token, telegramFileId });
    await poster.start();
    await eventually(async () => (await posts.get(post.id))?.state === 'unknown', 'the post is unknown', 20_000);
    await eventually(
      async () => (await queue!.list({ states: ['waiting', 'active'] })).length === 0,
      'queue idle',
      20_000,
    );
    expect(api.requests('sendVideo')).toBe(1);
    expect(api.sent(Number(CHANNEL))).toHaveLength(1);
    const { rows } = await sql<{ text: string }>`select text from outbox where chat_id = ${ADMIN.chatId}`.execute(
      t.store.db,
    );
    expect(rows.map((r) => r.text).join()).toContain(`Post #${post.id} (victor): was it published?`);

    const actions = new PostActions(t.store, queue, async (_c, at) => at);
    await actions.press('published', post.id, 'Ana');
    expect(await posts.get(post.id)).toMatchObject({ state: 'sent', attempts: 1 });
    expect((await posts.history(post.id)).map((h) => h.to_state)).toEqual(['scheduled', 'sending', 'unknown', 'sent']);
    expect(api.requests('sendVideo')).toBe(1);
  });

  it('after a SIGKILL during two calls, the service asks the admins; their presses are done: one kept, one sent again', async () => {
    t = await createTestStore(kind);
    fake = await startFakeBotApi();
    const api = fake;
    const update = fake.video({ id: 500, first_name: 'Victor' }, { bytes: Buffer.from('mp4'), fileName: 'a.mp4' });
    const telegramFileId = update.message?.video?.file_id ?? '';
    // The service's bot must not take that video in: confirm the update, as a poll before this test would have.
    await fetch(`${fake.apiRoot}/bot${fake.token}/getUpdates?offset=${(update.update_id ?? 0) + 1}&timeout=0`);
    const posts = new PostRecords(t.store);
    const ids: number[] = [];
    for (const caption of ['first', 'second']) {
      // The service publishes the video of the post's intake file, by the file_id Telegram gave it.
      const { rows } = await sql<{ id: number }>`
        insert into files (source, kind, purpose, state, file_id, folder, chat_id, created_at, updated_at)
        values ('telegram', 'video', 'video', 'stored', ${telegramFileId}, 'victor', 500, 0, 0) returning id`.execute(
        t.store.db,
      );
      const { post } = await posts.create({
        fileId: Number(rows[0]?.id),
        creator: 'victor',
        target: CHANNEL,
        caption,
        state: 'scheduled',
        plannedAt: Date.now(),
      });
      ids.push(post.id);
    }
    // Telegram carries out the first call 1.5 s later; the second never (it hangs until the fake closes).
    fake.fail('sendVideo', { stallMs: 1500 });
    fake.fail('sendVideo', { timeout: true });
    const child = spawn(process.execPath, [CHILD], {
      env: cleanEnv({
        POSTER_CHILD: JSON.stringify({ spec: t.spec, apiRoot: fake.apiRoot, token: fake.token, telegramFileId }),
      }),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exit = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
    await eventually(() => api.requests('sendVideo') === 2, 'both publish calls reached Telegram');
    child.kill('SIGKILL');
    expect(await exit).toBeNull();
    await eventually(() => api.sent(Number(CHANNEL)).length === 1, 'Telegram posted the first call');
    const landed = String(api.sent(Number(CHANNEL))[0]?.params.caption);
    const [published, notPublished] = landed === 'first' ? ids : [...ids].reverse();
    for (const id of ids) expect((await posts.get(id))?.state).toBe('sending');

    // The service on the same store: its poster finds both posts sending and asks the admins, through the bot.
    const dir = tempDir('centinela-poster-crash-');
    service = await startService({
      env: botEnv(fake, dir, {
        CENTINELA_PATHS_DATA: t.spec.dataDir,
        ...(t.spec.databaseUrl ? { DATABASE_URL: t.spec.databaseUrl } : {}),
        CENTINELA_CONTENT_CHANNEL: CHANNEL,
      }),
      cwd: dir,
      only: ['bot', 'content'],
    });
    /** The callback data of a message's buttons. */
    const buttons = (message: SentCall): string[] =>
      (
        message.params.reply_markup as { inline_keyboard?: Array<Array<{ callback_data: string }>> } | undefined
      )?.inline_keyboard
        ?.flat()
        .map((b) => b.callback_data) ?? [];
    const question = (id: number): Promise<SentCall> =>
      api.waitFor(
        (c) =>
          c.method === 'sendMessage' && c.params.chat_id === BOT_ADMIN.id && buttons(c).includes(`post:again:${id}`),
        20_000,
      );
    const press = async (message: SentCall, data: string): Promise<void> => {
      const messageId = (message.result as { message_id: number }).message_id;
      const pressed = api.callback(BOT_ADMIN, data, messageId);
      await api.waitFor(
        (c) => c.method === 'answerCallbackQuery' && c.params.callback_query_id === pressed.callback_query?.id,
      );
    };

    const askedPublished = await question(published!);
    expect(buttons(askedPublished)).toEqual([`post:published:${published}`, `post:again:${published}`]);
    await press(askedPublished, `post:published:${published}`);
    expect(await posts.get(published!)).toMatchObject({ state: 'sent', attempts: 1 });

    const askedAgain = await question(notPublished!);
    expect(buttons(askedAgain)).toEqual([`post:published:${notPublished}`, `post:again:${notPublished}`]);
    await press(askedAgain, `post:again:${notPublished}`);
    await eventually(async () => (await posts.get(notPublished!))?.state === 'sent', 'published again', 20_000);
    expect(await posts.get(notPublished!)).toMatchObject({ attempts: 2 });
    const captions = api.sent(Number(CHANNEL)).map((c) => c.params.caption);
    expect(captions.sort()).toEqual(['first', 'second']);
    expect(api.requests('sendVideo')).toBe(3);
  });
});
