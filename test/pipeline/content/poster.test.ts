// The poster against the fake Bot API: a post goes out once at its time; answers that prove nothing was posted are
// retried; a timeout leaves the post unknown for the admins, who settle it with a button; a post missed while the
// service was down goes out within the grace and is reported after it; a burst to one channel is paced.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Queue, QueueOptions } from '../../../src/core/queue/index.ts';
import { PostActions, PostRecords } from '../../../src/pipeline/content/index.ts';
import type { Poster, PostState } from '../../../src/pipeline/content/index.ts';
import { startFakeBotApi } from '../../fakes/telegram/index.ts';
import type { FakeBotApi } from '../../fakes/telegram/index.ts';
import { ADMIN, CHANNEL, testPoster } from '../../support/content-poster.ts';
import type { PosterOptions } from '../../support/content-poster.ts';
import { tempDir } from '../../support/service.ts';
import { STORE_KINDS, createTestStore, eventually, testQueue } from '../../support/stores.ts';
import type { TestStore } from '../../support/stores.ts';

const MODEL = { id: 500, first_name: 'Victor' };
const H = 3_600_000;

let t: TestStore | null = null;
let fake: FakeBotApi | null = null;
let queue: Queue | null = null;
afterEach(async () => {
  await queue?.stop(1000);
  await fake?.close();
  await t?.cleanup();
  t = null;
  fake = null;
  queue = null;
});

interface Setup {
  store: TestStore;
  fake: FakeBotApi;
  queue: Queue;
  poster: Poster;
  posts: PostRecords;
  /** The file_id every post publishes. */
  telegramFileId: string;
  addPost(plannedAt: number, caption?: string): Promise<number>;
  state(id: number): Promise<PostState | undefined>;
  publishCalls(): number;
  adminMessages(): Promise<Array<{ text: string; reply_markup: string | null }>>;
}

async function setup(
  kind: (typeof STORE_KINDS)[number],
  options: Partial<PosterOptions> = {},
  queueOptions: Partial<QueueOptions> = {},
): Promise<Setup> {
  t = await createTestStore(kind);
  fake = await startFakeBotApi();
  queue = await testQueue(t.store, queueOptions);
  const update = fake.video(MODEL, { bytes: Buffer.from('fake mp4 bytes'), fileName: 'clip.mp4' });
  const telegramFileId = update.message?.video?.file_id ?? '';
  const poster = await testPoster(t.store, queue, {
    apiRoot: fake.apiRoot,
    token: fake.token,
    telegramFileId,
    ...options,
  });
  const posts = new PostRecords(t.store);
  let nextFile = 1;
  const store = t;
  const api = fake;
  return {
    store,
    fake: api,
    queue,
    poster,
    posts,
    telegramFileId,
    async addPost(plannedAt, caption = 'Hola <b>mundo</b>') {
      const { post } = await posts.create({
        fileId: nextFile++,
        creator: 'victor',
        target: CHANNEL,
        caption,
        state: 'scheduled',
        plannedAt,
      });
      await poster.schedule(post);
      return post.id;
    },
    state: async (id) => (await posts.get(id))?.state,
    publishCalls: () => api.requests('sendVideo'),
    async adminMessages() {
      const { rows } = await sql<{ text: string; reply_markup: string | null }>`
        select text, reply_markup from outbox where chat_id = ${ADMIN.chatId} order by id`.execute(store.store.db);
      return rows;
    },
  };
}

describe.each(STORE_KINDS)('poster on %s', (kind) => {
  it('publishes a post once, at its planned time, by its file_id with its caption', async () => {
    const s = await setup(kind);
    const plannedAt = Date.now() + 600;
    const id = await s.addPost(plannedAt);
    await s.poster.start();
    await eventually(async () => (await s.state(id)) === 'sent', 'the post was sent');
    const sent = s.fake.sent(Number(CHANNEL));
    expect(sent).toHaveLength(1);
    expect(sent[0]?.at).toBeGreaterThanOrEqual(plannedAt);
    expect(sent[0]?.params).toMatchObject({ caption: 'Hola <b>mundo</b>', parse_mode: 'HTML' });
    const messageId = (sent[0]?.result as { message_id: number }).message_id;
    expect(s.fake.messageText(Number(CHANNEL), messageId)).toBe('Hola mundo');
    expect(await s.posts.get(id)).toMatchObject({ message_id: messageId, attempts: 1, last_error: null });
    // Scheduling it again (a restart) adds no second publication.
    await s.poster.schedule({ id, planned_at: Date.now() });
    await eventually(async () => (await s.queue.list({ states: ['waiting', 'active'] })).length === 0, 'queue idle');
    expect(s.publishCalls()).toBe(1);
  });

  it('retries what certainly did not publish: a 429 after its retry_after, a 400, a refused connection', async () => {
    // Retries far enough apart, and enough of them, that the refused post is still retried when the server is back.
    const s = await setup(kind, {}, { maxAttempts: 10, backoff: { baseMs: 300, capMs: 300 } });
    s.fake.fail('sendVideo', { status: 429, retryAfter: 1 });
    s.fake.fail('sendVideo', { status: 400, description: 'Bad Request: wrong file identifier' });
    const id = await s.addPost(Date.now());
    await s.poster.start();
    await eventually(async () => (await s.state(id)) === 'sent', 'the post was sent');
    expect(s.fake.sent(Number(CHANNEL))).toHaveLength(1);
    const moves = (await s.posts.history(id)).map((h) => h.to_state);
    expect(moves).toEqual(['scheduled', 'sending', 'scheduled', 'sending', 'scheduled', 'sending', 'sent']);

    await s.fake.offline(true);
    const refused = await s.addPost(Date.now());
    await eventually(async () => {
      const post = await s.posts.get(refused);
      return post?.state === 'scheduled' && post.last_error?.includes('refused') === true;
    }, 'refused, and back to scheduled');
    await s.fake.offline(false);
    await eventually(async () => (await s.state(refused)) === 'sent', 'sent after the server came back');
    expect(s.fake.sent(Number(CHANNEL))).toHaveLength(2);
    // Each refused attempt went back to scheduled (its retry may already be sending again by the time it is looked
    // at), never unknown: refused, retried, sent.
    const refusedMoves = (await s.posts.history(refused)).map((h) => h.to_state);
    expect(refusedMoves.slice(0, 3)).toEqual(['scheduled', 'sending', 'scheduled']);
    expect(refusedMoves.at(-1)).toBe('sent');
    expect(refusedMoves.filter((m) => m !== 'scheduled' && m !== 'sending')).toEqual(['sent']);
  });

  it('a 400 on every attempt fails the post and tells the admins', async () => {
    const s = await setup(kind);
    s.fake.fail('sendVideo', { status: 400, description: 'Bad Request: chat not found' }, 3);
    const id = await s.addPost(Date.now());
    await s.poster.start();
    await eventually(async () => (await s.state(id)) === 'failed', 'the post failed');
    expect(s.publishCalls()).toBe(3);
    const [message] = await s.adminMessages();
    expect(message?.text).toContain(`Post #${id} (victor) could not be published`);
    expect(message?.text).toContain('chat not found');
  });

  it('a timeout leaves the post unknown, never retried; the admins get both buttons and their choice is done', async () => {
    // The client gives up after 2 s and the fake answers 4 s after reading the call: on a loaded machine 1 s and
    // 1.5 s were too close (reading the call, or an ordinary call after it, can take the difference).
    const s = await setup(kind, { timeoutSeconds: 2 });
    s.fake.fail('sendVideo', { stallMs: 4000 });
    const id = await s.addPost(Date.now());
    await s.poster.start();
    await eventually(async () => (await s.state(id)) === 'unknown', 'the post is unknown');
    // The fake carried out the stalled call after the client gave up: it is in the channel, once.
    await eventually(() => s.fake.sent(Number(CHANNEL)).length === 1, 'the stalled call landed');
    await eventually(async () => (await s.queue.list({ states: ['waiting', 'active'] })).length === 0, 'queue idle');
    expect(s.publishCalls()).toBe(1);
    const messages = await s.adminMessages();
    expect(messages).toHaveLength(1);
    expect(messages[0]?.text).toContain(`Post #${id} (victor): was it published?`);
    const buttons = JSON.parse(messages[0]?.reply_markup ?? '{}') as {
      inline_keyboard: Array<Array<{ callback_data: string }>>;
    };
    expect(buttons.inline_keyboard.flat().map((b) => b.callback_data)).toEqual([
      `post:published:${id}`,
      `post:again:${id}`,
    ]);

    const actions = new PostActions(s.store.store, s.queue, async (_c, at) => at);
    expect(await actions.press('published', id, 'Ana')).toEqual({ key: 'post-answer-published', vars: { id } });
    expect(await s.state(id)).toBe('sent');
    // A second press (another admin, an old message) changes nothing.
    expect(await actions.press('again', id, 'Luis')).toEqual({ key: 'post-answer-stale', vars: { id, state: 'sent' } });
    expect(s.publishCalls()).toBe(1);

    // Another unknown post, and "Publish again": published once more, by the admin's choice.
    s.fake.fail('sendVideo', { timeout: true });
    const second = await s.addPost(Date.now());
    await eventually(async () => (await s.state(second)) === 'unknown', 'the second post is unknown');
    expect(await actions.press('again', second, 'Ana')).toEqual({ key: 'post-answer-again', vars: { id: second } });
    await eventually(async () => (await s.state(second)) === 'sent', 'published again');
    expect(await s.posts.get(second)).toMatchObject({ attempts: 2 });
  });

  it('"Publish again" pressed while the job that made the post unknown is still finishing is not lost', async () => {
    const s = await setup(kind, { timeoutSeconds: 30 });
    s.fake.fail('sendVideo', { stallMs: 1500 });
    const id = await s.addPost(Date.now());
    await s.poster.start();
    await eventually(() => s.publishCalls() === 1, 'the publish call went out');
    // The moment after its job settled the post unknown, before the job itself ended: it holds the post's key.
    expect(await s.posts.transition(id, 'sending', 'unknown', { lastError: 'timed out' }, 'timed out')).toBe(true);
    const actions = new PostActions(s.store.store, s.queue, async (_c, at) => at);
    expect(await actions.press('again', id, 'Ana')).toEqual({ key: 'post-answer-again', vars: { id } });
    await eventually(async () => (await s.state(id)) === 'sent', 'published again');
    expect(s.publishCalls()).toBe(2);
  });

  it('a post missed while down goes out within content.missed_grace; after it, missed and the admins told', async () => {
    const s = await setup(kind, { missedGraceMs: 2 * H });
    const inside = await s.addPost(Date.now() - 1.5 * H);
    const outside = await s.addPost(Date.now() - 3 * H);
    await s.poster.start();
    await eventually(async () => (await s.state(inside)) === 'sent', 'the post inside the grace was sent');
    await eventually(async () => (await s.state(outside)) === 'missed', 'the post outside the grace was missed');
    expect(s.publishCalls()).toBe(1);
    const messages = await s.adminMessages();
    expect(messages.map((m) => m.text).join('\n')).toContain(`Post #${outside} (victor) was missed`);
    const actions = new PostActions(s.store.store, s.queue, async (_c, at) => at + 500);
    expect((await actions.press('plan', outside, 'Ana')).key).toBe('post-answer-plan');
    await eventually(async () => (await s.state(outside)) === 'sent', 'planned again and sent');
    expect(s.publishCalls()).toBe(2);
  });

  it('a post found sending at start (a crash during the call) becomes unknown and is not sent', async () => {
    const s = await setup(kind, { staleSendingMs: 0 });
    const { post } = await s.posts.create({
      fileId: 99,
      creator: 'victor',
      target: CHANNEL,
      state: 'scheduled',
      plannedAt: Date.now(),
    });
    await s.posts.transition(post.id, 'scheduled', 'sending', { countAttempt: true });
    await s.poster.start();
    expect(await s.state(post.id)).toBe('unknown');
    expect(s.publishCalls()).toBe(0);
    expect(await s.adminMessages()).toHaveLength(1);
  });

  it('a post left sending by a dead process, its job dead too, is found while running: unknown, the admins told', async () => {
    const s = await setup(kind, { staleSendingMs: 60_000, sweepMs: 100 });
    await s.poster.start();
    const { post } = await s.posts.create({
      fileId: 98,
      creator: 'victor',
      target: CHANNEL,
      state: 'scheduled',
      plannedAt: Date.now(),
    });
    await s.posts.transition(post.id, 'scheduled', 'sending', { countAttempt: true });
    // Its process died two minutes ago during the call, and no job is left to run again (the crashes used up its
    // attempts: the queue made it dead).
    await s.posts.db
      .updateTable('posts')
      .set({ updated_at: Date.now() - 120_000 })
      .where('id', '=', post.id)
      .execute();
    await eventually(async () => (await s.state(post.id)) === 'unknown', 'the post is unknown');
    expect(s.publishCalls()).toBe(0);
    expect((await s.adminMessages()).map((m) => m.text).join('\n')).toContain(
      `Post #${post.id} (victor): was it published?`,
    );
  });

  it('a video that did not come through Telegram is uploaded from its file', async () => {
    const path = join(tempDir('centinela-poster-upload-'), 'clip.mp4');
    writeFileSync(path, Buffer.alloc(4096, 3));
    const s = await setup(kind, { videoPath: path });
    const id = await s.addPost(Date.now());
    await s.poster.start();
    await eventually(async () => (await s.state(id)) === 'sent', 'the post was sent');
    const [sent] = s.fake.sent(Number(CHANNEL));
    expect(sent?.params.video).toMatchObject({ kind: 'upload', fileName: 'clip.mp4', size: 4096 });
  });

  it('paces a burst of due posts to one channel', async () => {
    const interval = 150;
    const calls: number[] = [];
    const s = await setup(kind, { pacingMs: interval, onCall: () => calls.push(Date.now()) });
    for (let i = 0; i < 6; i++) await s.addPost(Date.now());
    await s.poster.start();
    await eventually(async () => (await s.posts.inStates(['sent'])).length === 6, 'all sent');
    expect(s.fake.sent(Number(CHANNEL))).toHaveLength(6);
    // Each call starts at least an interval after the one before, however long the store write before it took (on
    // a loaded machine 400 ms before one call, 10 ms before the next). Measured where the calls start: what the fake
    // records also carries the loaded machine's delays in delivering them. 2 ms: the clock's rounding.
    expect(calls).toHaveLength(6);
    for (let i = 1; i < calls.length; i++)
      expect((calls[i] ?? 0) - (calls[i - 1] ?? 0)).toBeGreaterThanOrEqual(interval - 2);
  });

  it('a publish call longer than the lease keeps its lease: no second worker takes the job and makes it unknown', async () => {
    const leaseMs = 1500;
    const s = await setup(kind, { leaseMs });
    // Telegram answers after more than two leases: a lease that ran out in the meantime returns the job to the
    // queue, another worker finds the post `sending` and makes it unknown although it is being published.
    s.fake.fail('sendVideo', { stallMs: 2 * leaseMs + 1000 });
    const other = await testQueue(await s.store.open());
    try {
      const second = await testPoster(s.store.store, other, {
        apiRoot: s.fake.apiRoot,
        token: s.fake.token,
        telegramFileId: s.telegramFileId,
        leaseMs,
      });
      const id = await s.addPost(Date.now());
      await s.poster.start();
      await eventually(() => s.publishCalls() === 1, 'the publish call went out');
      await second.start();
      await eventually(async () => (await s.state(id)) !== 'sending', 'the call was answered', 20_000);
      expect((await s.posts.history(id)).map((h) => h.to_state)).toEqual(['scheduled', 'sending', 'sent']);
      expect(s.publishCalls()).toBe(1);
      expect(await s.adminMessages()).toHaveLength(0);
    } finally {
      await other.stop(1000);
    }
  });

  it('a burst of 100 due posts to one channel goes out at the channel pace, each once, none refused', async () => {
    const interval = 60;
    // Turns further than 4 intervals away are waited for in the queue (the job deferred), as a real burst's are.
    const s = await setup(kind, { pacingMs: interval, maxPacingWaitMs: 4 * interval });
    for (let i = 0; i < 100; i++) await s.addPost(Date.now(), `post ${i}`);
    await s.poster.start();
    await eventually(async () => (await s.posts.inStates(['sent'])).length === 100, 'all 100 sent', 60_000);
    const times = s.fake.sent(Number(CHANNEL)).map((c) => c.at);
    expect(times).toHaveLength(100);
    expect(new Set(s.fake.sent(Number(CHANNEL)).map((c) => c.params.caption)).size).toBe(100);
    expect(s.publishCalls()).toBe(100);
    // Never faster than the pace: 100 sends take at least 99 intervals (less the first send's own delay after its
    // turn); a send waits for its turn, it is not refused or failed.
    const span = Math.max(...times) - Math.min(...times);
    expect(span).toBeGreaterThanOrEqual(99 * interval - 500);
    for (const post of await s.posts.inStates(['sent'])) expect(post.attempts).toBe(1);
  });
});
