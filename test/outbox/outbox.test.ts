// The durable admin outbox against the fake Telegram Bot API, on real SQLite and real PostgreSQL.
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  escapeHtml,
  html,
  htmlToPlain,
  queueAdminMessage,
  queueMessage,
  splitMessage,
  trusted,
} from '../../src/outbox/index.ts';
import type { Outbox, OutboxDeps, OutboxTables } from '../../src/outbox/index.ts';
import { startFakeBotApi } from '../fakes/telegram/index.ts';
import type { FakeBotApi, SentCall } from '../fakes/telegram/index.ts';
import { testOutbox } from '../support/bot-service.ts';
import { STORE_KINDS, createTestStore, eventually } from '../support/stores.ts';
import type { TestStore } from '../support/stores.ts';

const ALICE = 1001;
const BOB = 1002;
const GROUP = -100_555;

describe('escaping and splitting', () => {
  it('escapes & < > " and the html template escapes only what it interpolates', () => {
    expect(escapeHtml('a & b <c> "d"')).toBe('a &amp; b &lt;c&gt; &quot;d&quot;');
    const name = '<script>&';
    expect(html`<b>${name}</b> ${3} ${null}${['<', '>']}`).toBe('<b>&lt;script&gt;&amp;</b> 3 &lt;&gt;');
    expect(html`<i>${trusted(html`<b>${'x<y'}</b>`)}</i>`).toBe('<i><b>x&lt;y</b></i>');
    expect(htmlToPlain('<b>disk</b> &lt;full&gt; &amp; <a href="https://x/?a=1&amp;b=2">more</a> &#128165;')).toBe(
      'disk <full> & more 💥',
    );
  });

  it('splits long plain text at line breaks, and a single over-long line hard, without breaking a surrogate pair', () => {
    const line = `${'x'.repeat(59)}\n`;
    const parts = splitMessage(line.repeat(100), 'plain');
    expect(parts.length).toBe(2);
    expect(parts.every((p) => p.text.length <= 4096 && p.format === 'plain')).toBe(true);
    expect(parts.map((p) => p.text).join('\n')).toBe(line.repeat(100).trimEnd());

    const emoji = '😀'.repeat(3000); // 6,000 UTF-16 units, no space, no line break
    const hard = splitMessage(emoji, 'plain');
    expect(hard.length).toBe(2);
    expect(hard.map((p) => p.text).join('')).toBe(emoji);
    expect(hard.every((p) => p.text.length <= 4096 && !/[\ud800-\udbff]$/.test(p.text))).toBe(true);
  });

  it('keeps HTML valid in every part: open tags are closed at a cut and opened again, never cut inside a tag or entity', () => {
    const body = Array.from({ length: 120 }, (_, i) => `line ${i} &amp; &lt;tag&gt; <b>bold ${i}</b>`).join('\n');
    const markup = `<b>Report</b>\n<pre>${body}</pre>\n<a href="https://example.com/a?b=1&amp;c=2">link\nacross lines</a>`;
    const longMarkup = markup + `\n${'<i>word</i> '.repeat(10)}\n${'y'.repeat(5000)}\nthe end`;
    const parts = splitMessage(longMarkup, 'html');
    expect(parts.length).toBeGreaterThanOrEqual(3);
    for (const part of parts) {
      expect(part.text.length).toBeLessThanOrEqual(4096);
      if (part.format === 'plain') continue;
      // Balanced: every opened tag is closed in the same part.
      const stack: string[] = [];
      for (const m of part.text.matchAll(/<(\/?)([a-z-]+)[^>]*>/g)) {
        if (m[1]) expect(stack.pop()).toBe(m[2]);
        else stack.push(m[2] ?? '');
      }
      expect(stack).toEqual([]);
      expect(part.text).not.toMatch(/&[a-z]*$|<[^>]*$/);
    }
    // The over-long line went as plain text, cut hard; the text after it is HTML again.
    const plain = parts.filter((p) => p.format === 'plain');
    expect(plain.map((p) => p.text).join('')).toBe('y'.repeat(5000));
    expect(parts.at(-1)?.text).toContain('the end');
    // Nothing visible is lost.
    const visible = parts.map((p) => htmlToPlain(p.text)).join('\n');
    expect(visible.replace(/\n/g, '')).toBe(htmlToPlain(longMarkup).replace(/\n/g, ''));
  });
});

describe.each(STORE_KINDS)('outbox on %s', (kind) => {
  let t: TestStore;
  let fake: FakeBotApi;
  const outboxes: Outbox[] = [];
  const servers: Server[] = [];

  const outbox = async (deps: Partial<OutboxDeps> = {}): Promise<Outbox> => {
    const o = await testOutbox(t.store, fake, { retryBackoff: { baseMs: 50, capMs: 200 }, ...deps });
    outboxes.push(o);
    return o;
  };
  const texts = (chatId?: number): string[] => fake.sent(chatId).map((c) => String(c.params.text));
  const delivered = async (o: Outbox, n: number): Promise<void> =>
    eventually(async () => (await o.stats()).counts.sent === n, `${n} messages sent`, 30_000);

  beforeEach(async () => {
    t = await createTestStore(kind);
    fake = await startFakeBotApi();
  });
  afterEach(async () => {
    for (const o of outboxes.splice(0)) await o.stop(500);
    for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
    await fake.close();
    await t.cleanup();
  });

  it('delivers in order per chat, serving two chats side by side, also when a call fails and is retried', async () => {
    fake.fail('sendMessage', { status: 502 }, 1); // the first message of one chat is retried: the rest of that chat waits
    const o = await outbox();
    let firstId: number | undefined;
    for (let i = 1; i <= 5; i++) {
      const [id] = await o.enqueue({ chatId: ALICE, text: `alice ${i}` });
      firstId ??= id;
      await o.enqueue({ chatId: BOB, text: `bob ${i}`, format: 'plain' });
    }
    o.start();
    await delivered(o, 10);
    expect(texts(ALICE)).toEqual(['alice 1', 'alice 2', 'alice 3', 'alice 4', 'alice 5']);
    expect(texts(BOB)).toEqual(['bob 1', 'bob 2', 'bob 3', 'bob 4', 'bob 5']);
    expect(fake.calls.filter((c) => c.error?.error_code === 502).length).toBe(1);
    // Interleaved: Bob's first did not wait for all of Alice's.
    const order = texts();
    expect(order.indexOf('bob 1')).toBeLessThan(order.indexOf('alice 5'));
    // The HTML went with parse_mode HTML, the plain one without; the message ids are recorded.
    expect(fake.sent(ALICE)[0]?.params.parse_mode).toBe('HTML');
    expect(fake.sent(BOB)[0]?.params.parse_mode).toBeUndefined();
    const first = await o.get(firstId ?? 0);
    expect(first?.state).toBe('sent');
    expect(first?.messageId).toBe((fake.sent(ALICE)[0]?.result as { message_id: number }).message_id);
  });

  it('rides out a 429 storm: everything delivered, in order, nothing twice', async () => {
    fake.fail('sendMessage', { status: 429, retryAfter: 1 }, 5);
    const o = await outbox();
    for (let i = 1; i <= 4; i++) await o.enqueue({ chatId: ALICE, text: `a${i}` });
    for (let i = 1; i <= 2; i++) await o.enqueue({ chatId: BOB, text: `b${i}` });
    o.start();
    await delivered(o, 6);
    expect(texts(ALICE)).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(texts(BOB)).toEqual(['b1', 'b2']);
    expect(fake.calls.filter((c) => c.error?.error_code === 429).length).toBe(5);
    // A 429 is Telegram's pacing, not a failure of the message.
    for (let id = 1; id <= 6; id++) expect((await o.get(id))?.attempts).toBe(0);
  });

  it('keeps messages while Telegram is offline and delivers them after, without leaking the token', async () => {
    await fake.offline(true);
    const o = await outbox();
    const ids = [
      ...(await o.enqueue({ chatId: ALICE, text: 'one' })),
      ...(await o.enqueue({ chatId: ALICE, text: 'two' })),
    ];
    o.start();
    await eventually(async () => ((await o.get(ids[0] ?? 0))?.attempts ?? 0) >= 2, 'retried while offline');
    const waiting = await o.get(ids[0] ?? 0);
    expect(waiting?.state).toBe('pending');
    expect(waiting?.lastError).toMatch(/Network request for 'sendMessage' failed/);
    expect(waiting?.lastError).not.toContain(fake.token);
    expect(waiting?.lastError).not.toContain(fake.token.split(':')[1]?.slice(0, 10));
    expect((await o.stats()).oldestPendingMs).toBeGreaterThan(0);
    await fake.offline(false);
    await delivered(o, 2);
    expect(texts(ALICE)).toEqual(['one', 'two']);
  });

  it('retries a call that times out and delivers it once', async () => {
    fake.fail('sendMessage', { timeout: true }, 1);
    const o = await outbox({ sendTimeoutMs: 300 });
    const [id] = await o.enqueue({ chatId: ALICE, text: 'slow' });
    o.start();
    await delivered(o, 1);
    expect(texts(ALICE)).toEqual(['slow']);
    expect((await o.get(id ?? 0))?.attempts).toBe(1);
  });

  it('after a restart a new outbox on the same store delivers what was pending, and what a dead process had claimed', async () => {
    await fake.offline(true);
    const first = await outbox();
    const [id1] = await first.enqueue({ chatId: ALICE, text: 'before 1' });
    await first.enqueue({ chatId: ALICE, text: 'before 2' });
    const [id3] = await first.enqueue({ chatId: BOB, text: 'claimed by a dead process' });
    first.start();
    await eventually(async () => ((await first.get(id1 ?? 0))?.attempts ?? 0) >= 1, 'tried while offline');
    await first.stop(1000);
    // A process that died mid-send: its claim is still there, its lease has run out.
    const db = t.store.db as unknown as Kysely<OutboxTables>;
    await db
      .updateTable('outbox')
      .set({ state: 'sending', claimed_by: 'dead:1#1', lease_until: Date.now() - 1 })
      .where('id', '=', id3 ?? 0)
      .execute();
    await fake.offline(false);

    const second = await outbox();
    second.start();
    await delivered(second, 3);
    expect(texts(ALICE)).toEqual(['before 1', 'before 2']);
    expect(texts(BOB)).toEqual(['claimed by a dead process']);
  });

  it('stop is bounded: a call that never answers is aborted and its message given back', async () => {
    fake.fail('sendMessage', { timeout: true }, 1);
    const first = await outbox();
    const [id] = await first.enqueue({ chatId: ALICE, text: 'stuck' });
    first.start();
    await fake.waitFor((c) => c.method === 'sendMessage');
    const started = Date.now();
    await first.stop(200);
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await first.get(id ?? 0))?.state).toBe('pending');
    const second = await outbox();
    second.start();
    await delivered(second, 1);
    expect(texts(ALICE)).toEqual(['stuck']);
  });

  it('two senders on one store send every message once, in order', async () => {
    const a = await outbox();
    const b = await outbox();
    const chats = [ALICE, BOB, GROUP];
    for (let i = 1; i <= 4; i++) for (const chat of chats) await a.enqueue({ chatId: chat, text: `${chat}:${i}` });
    a.start();
    b.start();
    await delivered(a, 12);
    for (const chat of chats) expect(texts(chat)).toEqual([1, 2, 3, 4].map((i) => `${chat}:${i}`));
  });

  it("resends as plain text when Telegram can't parse the HTML", async () => {
    const o = await outbox();
    const [id] = await o.enqueue({ chatId: ALICE, text: '<b>disk <i>full</b> &amp; more' });
    await o.enqueue({ chatId: ALICE, text: 'next' });
    o.start();
    await delivered(o, 2);
    const entry = await o.get(id ?? 0);
    expect(entry?.format).toBe('plain');
    expect(entry?.text).toBe('disk full & more');
    const [sent] = fake.sent(ALICE);
    expect(sent?.params.parse_mode).toBeUndefined();
    expect(fake.messageText(ALICE, entry?.messageId ?? 0)).toBe('disk full & more');
    expect(texts(ALICE)).toEqual(['disk full & more', 'next']);
    expect(fake.calls.filter((c) => c.error?.description.includes("can't parse entities")).length).toBe(1);
  });

  it('sends a 6,000-character message as two messages, in order, with the buttons on the last', async () => {
    const o = await outbox();
    const text = `${'x'.repeat(59)}\n`.repeat(100);
    const markup = { inline_keyboard: [[{ text: 'Retry', callback_data: 'retry:1' }]] };
    const ids = await o.enqueue({ chatId: ALICE, text, replyMarkup: markup });
    expect(ids.length).toBe(2);
    o.start();
    await delivered(o, 2);
    const sent = fake.sent(ALICE);
    expect(sent.length).toBe(2);
    expect(sent.map((c) => String(c.params.text)).join('\n')).toBe(text.trimEnd());
    expect(sent[0]?.params.reply_markup).toBeUndefined();
    expect(sent[1]?.params.reply_markup).toEqual(markup);
  });

  it('a dedupKey already used adds nothing, per chat with enqueueMany', async () => {
    const o = await outbox();
    expect((await o.enqueue({ chatId: ALICE, text: 'disk full', dedupKey: 'disk:/srv' })).length).toBe(1);
    expect(await o.enqueue({ chatId: ALICE, text: 'disk full again', dedupKey: 'disk:/srv' })).toEqual([]);
    expect((await o.enqueueMany([ALICE, BOB, BOB], { text: 'to every admin', dedupKey: 'deploy:7' })).length).toBe(2);
    expect(await o.enqueueMany([ALICE, BOB], { text: 'to every admin', dedupKey: 'deploy:7' })).toEqual([]);
    o.start();
    await delivered(o, 3);
    expect(texts(ALICE)).toEqual(['disk full', 'to every admin']);
    expect(texts(BOB)).toEqual(['to every admin']);
  });

  it('paces each chat: calls to one chat at least a second apart, other chats in between', async () => {
    const o = await outbox({ perChatIntervalMs: 1000, perChatBurst: 1 });
    for (let i = 1; i <= 3; i++) {
      await o.enqueue({ chatId: ALICE, text: `a${i}` });
      await o.enqueue({ chatId: BOB, text: `b${i}` });
    }
    o.start();
    await delivered(o, 6);
    for (const chat of [ALICE, BOB]) {
      const at = fake.calls.filter((c: SentCall) => Number(c.params.chat_id) === chat).map((c) => c.at);
      for (let i = 1; i < at.length; i++) expect((at[i] ?? 0) - (at[i - 1] ?? 0)).toBeGreaterThanOrEqual(950);
    }
    const order = texts();
    expect(order.indexOf('b1')).toBeLessThan(order.indexOf('a2'));
  });

  it('sends a message at once when its chat had one a moment ago (a receipt after the last summary), at the default pace', async () => {
    const o = await outbox({ perChatIntervalMs: undefined });
    o.start();
    await o.enqueue({ chatId: ALICE, text: 'summary of the last file' });
    await delivered(o, 1);
    await o.enqueue({ chatId: ALICE, text: 'receipt of the next file' });
    await delivered(o, 2);
    const [summary, receipt] = fake.sent(ALICE).map((c) => c.at);
    expect(texts(ALICE)).toEqual(['summary of the last file', 'receipt of the next file']);
    expect((receipt ?? 0) - (summary ?? 0)).toBeLessThan(500);
  });

  it('what a module writes with the store alone wakes the sender of its process at once', async () => {
    const o = await outbox({ pollMs: 60_000 });
    o.start();
    await eventually(async () => (await o.stats()).counts.pending === 0, 'the sender idle');
    await queueAdminMessage(t.store, [ALICE, BOB], { text: 'disk full', dedupKey: 'disk' });
    await fake.waitFor((c) => c.params.chat_id === BOB && c.result !== undefined, 2000);
    await fake.waitFor((c) => c.params.chat_id === ALICE && c.result !== undefined, 2000);
  });

  it('a message written while a round is under way goes at once, not at the next poll', async () => {
    const o = await outbox({ pollMs: 60_000 });
    o.start();
    for (let i = 0; i < 10; i++) {
      o.poke(); // a round starts; the message below lands while it reads the store
      await queueMessage(t.store, { chatId: 2000 + i, text: `m${i}` });
      await fake.waitFor((c) => c.params.text === `m${i}` && c.result !== undefined, 2000);
    }
  });

  it('lets a chat have a short burst, then holds a flood to one call an interval', async () => {
    const o = await outbox({ perChatIntervalMs: 300, perChatBurst: 3 });
    for (let i = 1; i <= 7; i++) await o.enqueue({ chatId: ALICE, text: `a${i}` });
    o.start();
    await delivered(o, 7);
    const at = fake.sent(ALICE).map((c) => c.at);
    expect(texts(ALICE)).toEqual(['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7']);
    expect((at[2] ?? 0) - (at[0] ?? 0)).toBeLessThan(250);
    // Never more than 3 calls in any 900 ms (less the calls' own latency): over a flood, one each 300 ms on average.
    for (let i = 3; i < at.length; i++) expect((at[i] ?? 0) - (at[i - 3] ?? 0)).toBeGreaterThanOrEqual(750);
  });

  it('holds a group to its messages per minute', async () => {
    const o = await outbox({ groupPerMinute: 2 });
    for (let i = 1; i <= 3; i++) await o.enqueue({ chatId: GROUP, text: `g${i}` });
    await o.enqueue({ chatId: ALICE, text: 'private' });
    o.start();
    await delivered(o, 3);
    await new Promise((r) => setTimeout(r, 500));
    expect(texts(GROUP)).toEqual(['g1', 'g2']);
    expect(texts(ALICE)).toEqual(['private']);
    expect((await o.stats()).counts.pending).toBe(1);
  });

  it('a 403 fails the message for good (logged, not retried) and the chat goes on', async () => {
    fake.fail('sendMessage', { status: 403 }, 1);
    const o = await outbox();
    const [id] = await o.enqueue({ chatId: ALICE, text: 'blocked' });
    await o.enqueue({ chatId: ALICE, text: 'after' });
    o.start();
    await delivered(o, 1);
    await new Promise((r) => setTimeout(r, 300));
    const entry = await o.get(id ?? 0);
    expect(entry?.state).toBe('failed');
    expect(entry?.lastError).toContain('403');
    expect(fake.calls.filter((c) => c.params.text === 'blocked').length).toBe(1);
    expect(texts(ALICE)).toEqual(['after']);
    expect((await o.stats()).counts).toMatchObject({ failed: 1, sent: 1, pending: 0, sending: 0 });
  });

  it('without a bot the messages wait, durable', async () => {
    const o = await outbox({ api: null });
    await o.enqueue({ chatId: ALICE, text: 'waiting' });
    o.start();
    await new Promise((r) => setTimeout(r, 200));
    const stats = await o.stats();
    expect(stats.counts.pending).toBe(1);
    expect(stats.oldestPendingMs).toBeGreaterThanOrEqual(150);
    expect(fake.calls.length).toBe(0);
  });

  it('sends what Telegram could not take in time to the fallback webhook', async () => {
    const received: unknown[] = [];
    const answers = [500]; // the webhook fails once: the outbox tries again
    const server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const status = answers.shift() ?? 200;
        if (status === 200) received.push(JSON.parse(body));
        res.writeHead(status).end();
      });
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook/s3cr3t-path`;

    await fake.offline(true);
    const o = await outbox({ fallbackWebhook: url, fallbackAfterMs: 400 });
    const before = Date.now();
    const [id] = await o.enqueue({ chatId: ALICE, text: '<b>disk</b> full &amp; more' });
    o.start();
    await eventually(async () => (await o.get(id ?? 0))?.state === 'fallback', 'message went to the fallback');
    expect(received.length).toBe(1);
    const body = received[0] as { id: number; chat_id: number; text: string; created_at: string; reason: string };
    expect(body).toMatchObject({ id, chat_id: ALICE, text: 'disk full & more' });
    expect(Date.parse(body.created_at)).toBeGreaterThanOrEqual(before - 1000);
    expect(body.reason).toMatch(/Network request for 'sendMessage' failed/);
    expect(body.reason).not.toContain(fake.token);
    expect(answers).toEqual([]);
    // Telegram back: nothing is sent twice.
    await fake.offline(false);
    await o.enqueue({ chatId: ALICE, text: 'later' });
    await delivered(o, 1);
    expect(texts(ALICE)).toEqual(['later']);
  });
});
