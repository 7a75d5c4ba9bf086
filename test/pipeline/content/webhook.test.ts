// Webhook targets: a published post is POSTed, signed, to each content.targets webhook of its creator, once per post
// and target, through the durable queue; 5xx and refused connections are retried with backoff, a 4xx fails at once,
// and a last failure tells the admins. Nothing a webhook does publishes the post again on Telegram or changes its
// state. The receiver is a loopback server that checks the signature with node:crypto.
import { Writable } from 'node:stream';
import pino from 'pino';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/core/config.ts';
import type { Queue } from '../../../src/core/queue/index.ts';
import {
  PostActions,
  PostRecords,
  WEBHOOK_QUEUE,
  webhookFollowUp,
  webhookHandler,
} from '../../../src/pipeline/content/index.ts';
import type { Poster, WebhookTarget } from '../../../src/pipeline/content/index.ts';
import { IntakeRecords } from '../../../src/pipeline/intake/index.ts';
import { startFakeBotApi } from '../../fakes/telegram/index.ts';
import type { FakeBotApi } from '../../fakes/telegram/index.ts';
import { startWebhookReceiver } from '../../fakes/webhook/index.ts';
import type { FakeWebhookReceiver } from '../../fakes/webhook/index.ts';
import { ADMIN, CHANNEL, testPoster } from '../../support/content-poster.ts';
import { freePort } from '../../support/service.ts';
import { STORE_KINDS, createTestStore, eventually, testQueue } from '../../support/stores.ts';
import type { TestStore } from '../../support/stores.ts';

const SECRET = 'whsec-9f8e7d6c5b4a-do-not-log';
const MODEL = { id: 500, first_name: 'Victor' };
const RETRY = { maxAttempts: 3, backoff: { baseMs: 20, capMs: 50 } };

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

/** Targets as the config parses them. */
const targets = (list: Array<Record<string, unknown>>): WebhookTarget[] =>
  configSchema.parse({ content: { targets: list } }).content.targets;

interface Setup {
  t: TestStore;
  queue: Queue;
  fake: FakeBotApi;
  poster: Poster;
  posts: PostRecords;
  logs: string[];
  addPost(creator?: string, fileId?: number): Promise<number>;
  jobs(): Promise<Array<{ state: string; lastError: string | null; attempts: number }>>;
  adminTexts(): Promise<string[]>;
}

async function setup(kind: (typeof STORE_KINDS)[number], list: WebhookTarget[], env: NodeJS.ProcessEnv) {
  const t = await createTestStore(kind);
  const fake = await startFakeBotApi();
  const queue = await testQueue(t.store);
  cleanups.push(
    () => t.cleanup(),
    () => fake.close(),
    () => queue.stop(1000),
  );
  const logs: string[] = [];
  const log = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(chunk.toString('utf8'));
        done();
      },
    }),
  );
  const update = fake.video(MODEL, { bytes: Buffer.from('fake mp4 bytes'), fileName: 'clip.mp4' });
  const followUp = webhookFollowUp(list, queue, RETRY);
  const poster = await testPoster(t.store, queue, {
    apiRoot: fake.apiRoot,
    token: fake.token,
    telegramFileId: update.message?.video?.file_id ?? '',
    followUp,
  });
  queue.work(
    WEBHOOK_QUEUE,
    webhookHandler({ store: t.store, targets: list, admins: [ADMIN], log, env, timeoutMs: 2000 }),
  );
  const posts = new PostRecords(t.store);
  let nextFile = 1;
  const s: Setup = {
    t,
    queue,
    fake,
    poster,
    posts,
    logs,
    async addPost(creator = 'victor', fileId = 1000 + nextFile++) {
      const { post } = await posts.create({
        fileId,
        creator,
        target: CHANNEL,
        caption: 'Hola <b>mundo</b>',
        state: 'scheduled',
        plannedAt: Date.now(),
      });
      await poster.schedule(post);
      return post.id;
    },
    async jobs() {
      return (await queue.list({ queue: WEBHOOK_QUEUE.name })).map((j) => ({
        state: j.state,
        lastError: j.lastError,
        attempts: j.attempts,
      }));
    },
    async adminTexts() {
      const { rows } = await sql<{ text: string }>`
        select text from outbox where chat_id = ${ADMIN.chatId} order by id`.execute(t.store.db);
      return rows.map((r) => r.text);
    },
  };
  return s;
}

async function receiver(): Promise<FakeWebhookReceiver> {
  const r = await startWebhookReceiver(SECRET);
  cleanups.push(() => r.close());
  return r;
}

describe.each(STORE_KINDS)('webhook targets on %s', (kind) => {
  it('a published post is POSTed once to its target, signed over the raw body, with its post, file and message', async () => {
    const hook = await receiver();
    const s = await setup(kind, targets([{ type: 'webhook', url: hook.url, secret_env: 'HOOK_SECRET' }]), {
      HOOK_SECRET: SECRET,
    });
    const file = await new IntakeRecords(s.t.store).db
      .insertInto('files')
      .values({
        source: 'telegram',
        kind: 'video',
        purpose: 'video',
        state: 'stored',
        file_name: 'clip.mp4',
        path: '/srv/media/victor/clip.mp4',
        created_at: Date.now(),
        updated_at: Date.now(),
      } as never)
      .returning('id')
      .executeTakeFirstOrThrow();
    const id = await s.addPost('victor', Number(file.id));
    const before = Date.now();
    await s.poster.start();
    await eventually(async () => (await s.jobs())[0]?.state === 'done', 'the webhook was delivered');
    expect(hook.received).toHaveLength(1);
    const [got] = hook.received;
    expect(got?.signatureValid).toBe(true);
    const post = await s.posts.get(id);
    expect(post?.state).toBe('sent');
    expect(got?.body).toMatchObject({
      event: 'post.published',
      delivery_id: `${id}:${hook.url}`,
      post_id: id,
      creator: 'victor',
      file_path: '/srv/media/victor/clip.mp4',
      file_name: 'clip.mp4',
      caption: 'Hola <b>mundo</b>',
      caption_from_template: false,
      planned_at: new Date(Number(post?.planned_at)).toISOString(),
      telegram: { chat: CHANNEL, message_id: Number(post?.message_id) },
    });
    expect(Date.parse(String(got?.body.published_at))).toBeGreaterThanOrEqual(before - 1000);
    // The timestamp is in the signed body and in its header; a replay is refused by its age.
    expect(got?.headers['x-centinela-timestamp']).toBe(String(got?.body.timestamp));
    expect(Math.abs(Number(got?.body.timestamp) - Date.now() / 1000)).toBeLessThan(60);
    expect(got?.headers['x-centinela-delivery']).toBe(`${id}:${hook.url}`);
    expect(got?.headers['content-type']).toBe('application/json');
    // A tampered body does not match the signature the receiver was given.
    const tampered = Buffer.from(got?.raw.toString('utf8').replace('victor', 'mallory') ?? '');
    const { createHmac } = await import('node:crypto');
    expect(`sha256=${createHmac('sha256', SECRET).update(tampered).digest('hex')}`).not.toBe(
      got?.headers['x-centinela-signature'],
    );
    expect(s.fake.requests('sendVideo')).toBe(1);
    expect(s.logs.join('')).toContain('webhook delivered');
    expect(s.logs.join('')).not.toContain(SECRET);
  });

  it('5xx answers are retried with backoff until delivered; Telegram is not called again and the post stays sent', async () => {
    const hook = await receiver();
    hook.answer(503, 500);
    const s = await setup(kind, targets([{ type: 'webhook', url: hook.url, secret_env: 'HOOK_SECRET' }]), {
      HOOK_SECRET: SECRET,
    });
    const id = await s.addPost();
    await s.poster.start();
    await eventually(async () => (await s.jobs())[0]?.state === 'done', 'delivered on the third attempt');
    expect(hook.received.map((r) => r.status)).toEqual([503, 500, 200]);
    expect(hook.received.every((r) => r.signatureValid)).toBe(true);
    expect(new Set(hook.received.map((r) => r.headers['x-centinela-delivery'])).size).toBe(1);
    expect(s.fake.requests('sendVideo')).toBe(1);
    expect((await s.posts.history(id)).map((h) => h.to_state)).toEqual(['scheduled', 'sending', 'sent']);
    expect(await s.adminTexts()).toEqual([]);
  });

  it('a 4xx fails the delivery at once with its status, and the admins are told; the post stays sent', async () => {
    const hook = await receiver();
    hook.answer(410);
    const s = await setup(kind, targets([{ type: 'webhook', url: hook.url, secret_env: 'HOOK_SECRET' }]), {
      HOOK_SECRET: SECRET,
    });
    const id = await s.addPost();
    await s.poster.start();
    await eventually(async () => (await s.jobs())[0]?.state === 'failed', 'the delivery failed');
    const [job] = await s.jobs();
    expect(job?.lastError).toContain('410');
    expect(job?.attempts).toBe(1);
    expect(hook.received).toHaveLength(1);
    const texts = await s.adminTexts();
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain(`Post #${id} (victor) did not reach`);
    expect(texts[0]).toContain('410');
    expect((await s.posts.get(id))?.state).toBe('sent');
    expect(s.fake.requests('sendVideo')).toBe(1);
  });

  it('a receiver that refuses connections is tried max_attempts times, then failed with an admin message', async () => {
    const url = `http://127.0.0.1:${await freePort()}/hooks`;
    const s = await setup(kind, targets([{ type: 'webhook', url, secret_env: 'HOOK_SECRET' }]), {
      HOOK_SECRET: SECRET,
    });
    const id = await s.addPost();
    await s.poster.start();
    await eventually(async () => (await s.jobs())[0]?.state === 'failed', 'failed after its attempts');
    const [job] = await s.jobs();
    expect(job?.attempts).toBe(RETRY.maxAttempts);
    expect(job?.lastError).toMatch(/ECONNREFUSED.*after 3 attempts/);
    const texts = await s.adminTexts();
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain('after 3 attempts');
    expect((await s.posts.get(id))?.state).toBe('sent');
    expect(s.logs.join('')).not.toContain(SECRET);
  });

  it('a target for other creators gets nothing; an admin\'s "it was published" sends it with no message id', async () => {
    const mine = await receiver();
    const others = await startWebhookReceiver(SECRET, '/others');
    cleanups.push(() => others.close());
    const list = targets([
      { type: 'webhook', url: mine.url, secret_env: 'HOOK_SECRET', creators: ['victor'] },
      { type: 'webhook', url: others.url, secret_env: 'HOOK_SECRET', creators: ['ana'] },
    ]);
    const s = await setup(kind, list, { HOOK_SECRET: SECRET });
    const { post } = await s.posts.create({
      fileId: 99,
      creator: 'victor',
      target: CHANNEL,
      caption: 'x',
      state: 'unknown',
      plannedAt: Date.now(),
    });
    const actions = new PostActions(
      s.t.store,
      s.queue,
      async () => Date.now(),
      Date.now,
      webhookFollowUp(list, s.queue, RETRY),
    );
    expect((await actions.press('published', post.id, 'admin 111')).key).toBe('post-answer-published');
    await eventually(async () => (await s.jobs())[0]?.state === 'done', 'delivered');
    expect(mine.received).toHaveLength(1);
    expect(mine.received[0]?.body).toMatchObject({ post_id: post.id, telegram: { chat: CHANNEL, message_id: null } });
    expect(others.received).toEqual([]);
    expect(await s.jobs()).toHaveLength(1);
  });

  it('a secret variable that is not set fails the delivery naming the variable, never a secret', async () => {
    const hook = await receiver();
    const s = await setup(kind, targets([{ type: 'webhook', url: hook.url, secret_env: 'MISSING_SECRET' }]), {});
    await s.addPost();
    await s.poster.start();
    await eventually(async () => (await s.jobs())[0]?.state === 'failed', 'the delivery failed');
    expect((await s.jobs())[0]?.lastError).toContain('MISSING_SECRET');
    expect(hook.received).toEqual([]);
    expect((await s.adminTexts())[0]).toContain('MISSING_SECRET');
  });
});

describe('content.targets settings', () => {
  it('refuses a target without a URL or with a secret where the variable name goes', () => {
    const bad = configSchema.safeParse({
      content: { targets: [{ type: 'webhook', url: 'ftp://x', secret_env: 'abc def' }] },
    });
    expect(bad.success).toBe(false);
    const messages = bad.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n') ?? '';
    expect(messages).toMatch(/content\.targets\.0\.url: an http\(s\) URL/);
    expect(messages).toMatch(/content\.targets\.0\.secret_env: the name of the environment variable/);
    expect(targets([{ type: 'webhook', url: 'https://a.example/h', secret_env: 'S' }])).toEqual([
      { type: 'webhook', url: 'https://a.example/h', secret_env: 'S', creators: [] },
    ]);
  });
});
