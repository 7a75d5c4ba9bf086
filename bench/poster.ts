// Benchmark of the poster (issue 16), against the fake Bot API. Telegram takes 100–600 ms to answer a sendVideo.
// - calm: CALM_POSTS posts planned one every CALM_SPACING ms over CHANNELS channels, published by a real child
//   process (bench/poster-child.ts: the poster as the service runs it): slot_to_sent_p95_ms, planned time → the
//   fake Bot API receiving the call that published it (the same under crashes is a note: a dead process publishes
//   nothing until its successor has started and taken its jobs back);
// - crashes: POSTS posts, one every SPACING ms, while the child is SIGKILLed KILLS times at random moments and
//   started again (many kills land during a call). Each post's messages are counted in the fake channels:
//   double_posts (more than one), lost_posts (not `sent` with its message, and not `unknown` with the admins'
//   message in the outbox), over both runs;
// - a burst: BURST posts due at once to one channel, published in this process under the per-chat pace; the time
//   from their slot to the last one's arrival ÷ the least the pace allows ((BURST − 1) intervals). Telegram allows
//   about 20 a minute (an interval of 3 s: 297 s for 100 posts), so by default the pace is scaled down to
//   PACING_MS, and with it the queue's poll and the poster's longest wait for a turn (1/15 at 200 ms);
// - captions: bench/caption-times.ts against the fake Gemini at 1 s latency, 4 at a time.
// Env: BENCH_POSTS (200), BENCH_KILLS (50), BENCH_SPACING_MS (500), BENCH_CALM_POSTS (60), BENCH_CALM_SPACING_MS
// (250), BENCH_CHANNELS (10), BENCH_BURST (100), BENCH_PACING_MS (200; 3000 is Telegram's pace: a 5-minute burst),
// BENCH_CAPTIONS (40), BENCH_LATENCY_MS (1000).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { sql } from 'kysely';
import { configSchema } from '../src/core/config.ts';
import { Queue } from '../src/core/queue/index.ts';
import type { Store } from '../src/core/store/index.ts';
import {
  ChatPacer,
  PER_CHAT_INTERVAL_MS,
  PUBLISH_QUEUE,
  Poster,
  PostRecords,
  telegramPublishApi,
} from '../src/pipeline/content/index.ts';
import type { PostState } from '../src/pipeline/content/index.ts';
import { startFakeBotApi } from '../test/fakes/telegram/index.ts';
import type { FakeBotApi } from '../test/fakes/telegram/index.ts';
import { REPO, cleanEnv, tempDir } from '../test/support/service.ts';
import { openSpec } from '../test/support/store-spec.ts';
import type { StoreSpec } from '../test/support/store-spec.ts';
import { captionTimes } from './caption-times.ts';
import type { PosterChildOptions } from './poster-child.ts';
import { figure, note, percentile, quietLog } from './support.ts';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const POSTS = env('BENCH_POSTS', 200);
const KILLS = env('BENCH_KILLS', 50);
const SPACING_MS = env('BENCH_SPACING_MS', 400);
const CALM_POSTS = env('BENCH_CALM_POSTS', 40);
const CALM_SPACING_MS = env('BENCH_CALM_SPACING_MS', 250);
const CHANNELS = env('BENCH_CHANNELS', 20);
const BURST = env('BENCH_BURST', 100);
const PACING_MS = env('BENCH_PACING_MS', 200);
const CAPTIONS = env('BENCH_CAPTIONS', 40);
const LATENCY_MS = env('BENCH_LATENCY_MS', 1000);

const ADMIN_CHAT = 111;
const CHILD = join(REPO, 'bench/poster-child.ts');
const FINAL_STATES: readonly PostState[] = ['sent', 'unknown', 'failed', 'missed', 'cancelled'];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await sleep(50);
  }
}

function telegramVideo(fake: FakeBotApi): string {
  const update = fake.video({ id: 500, first_name: 'Victor' }, { bytes: Buffer.from('mp4'), fileName: 'clip.mp4' });
  return update.message?.video?.file_id ?? '';
}

/** The published messages per post, by the caption each post carries ("bench post <file id>"). */
function messagesPerFile(fake: FakeBotApi, chats: readonly string[]): Map<number, number[]> {
  const at = new Map<number, number[]>();
  for (const chat of chats) {
    for (const call of fake.sent(Number(chat))) {
      const m = /^bench post (\d+)$/.exec(String(call.params.caption ?? ''));
      if (!m) continue;
      const file = Number(m[1]);
      at.set(file, [...(at.get(file) ?? []), call.at]);
    }
  }
  return at;
}

interface Child {
  proc: ChildProcess;
  exit: Promise<number | null>;
  startedAt: number;
}

function startChild(options: PosterChildOptions): Promise<Child> {
  const startedAt = Date.now();
  const proc = spawn(process.execPath, [CHILD], {
    env: cleanEnv({ POSTER_BENCH_CHILD: JSON.stringify(options) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<number | null>((ok) => proc.on('exit', (code) => ok(code)));
  return new Promise((ok, fail) => {
    proc.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) ok({ proc, exit, startedAt });
    });
    void exit.then((code) => fail(new Error(`the poster child exited (${code}) before it was ready:\n${stderr}`)));
  });
}

interface RunResult {
  double: number;
  lost: number;
  /** Planned time → the fake Bot API receiving the call that published it, per published post. */
  slotToSent: number[];
}

/**
 * `posts` posts, one every `spacing` ms over CHANNELS channels, published by a child process that is SIGKILLed
 * `kills` times at random moments (and started again): each post's messages counted in the fake channels.
 */
async function childRun(label: string, o: { posts: number; spacing: number; kills: number }): Promise<RunResult> {
  const fake = await startFakeBotApi();
  const spec: StoreSpec = { kind: 'sqlite', dataDir: tempDir('centinela-poster-bench-') };
  const store = await openSpec(spec);
  const posts = new PostRecords(store);
  const channels = Array.from({ length: CHANNELS }, (_, i) => String(-1_001_000_000_000 - i));
  const options: PosterChildOptions = {
    spec,
    apiRoot: fake.apiRoot,
    token: fake.token,
    telegramFileId: telegramVideo(fake),
    adminChatId: ADMIN_CHAT,
  };
  // Telegram takes 100–600 ms to answer a sendVideo.
  for (let i = 0; i < o.posts * 3; i++) fake.fail('sendVideo', { stallMs: 100 + Math.floor(Math.random() * 500) });
  // The service is running when the posts are planned (the video job plans them and queues their jobs).
  let child: Child | null = await startChild(options);
  let started = 1;
  let startup = Date.now() - child.startedAt;
  const queue = new Queue({
    store,
    log: await quietLog(),
    pollMs: 1000,
    leaseMs: 60_000,
    maxAttempts: 5,
    backoff: { baseMs: 1000, capMs: 300_000 },
  });
  const first = Date.now() + 2000 + o.posts * 10; // after the posts are written
  for (let i = 0; i < o.posts; i++) {
    const { post } = await posts.create({
      fileId: i + 1,
      creator: 'bench',
      target: channels[i % channels.length] as string,
      caption: `bench post ${i + 1}`,
      state: 'scheduled',
      plannedAt: first + i * o.spacing,
    });
    await queue.enqueue(PUBLISH_QUEUE, { postId: post.id }, { runAt: post.planned_at ?? first });
  }
  const window = o.posts * o.spacing;
  let kills = 0;
  let duringCall = 0;
  while (kills < o.kills) {
    if (!child) {
      child = await startChild(options);
      started++;
      startup += Date.now() - child.startedAt;
    }
    // What is left of the kills spread over what is left of the posts' window, each at a random moment.
    const cycle = (first + window - Date.now()) / (o.kills - kills);
    await sleep(Math.random() * 2 * Math.max(100, cycle - startup / started));
    child.proc.kill('SIGKILL');
    await child.exit;
    kills++;
    const inCall = await posts.db
      .selectFrom('posts')
      .select('id')
      .where('state', '=', 'sending')
      .where('updated_at', '>=', child.startedAt)
      .execute();
    if (inCall.length > 0) duringCall++;
    child = null;
  }
  const last = child ?? (await startChild(options));
  if (last !== child) {
    started++;
    startup += Date.now() - last.startedAt;
  }
  const lastStart = Math.max(Date.now(), first);
  await until(
    async () => (await posts.inStates(['captioning', 'awaiting_approval', 'scheduled', 'sending'])).length === 0,
    'every post settled',
    Math.max(0, first + window - Date.now()) + 300_000,
  );
  const settledIn = Date.now() - lastStart;
  await sleep(1000); // a call Telegram was still stalling lands
  last.proc.kill('SIGTERM');
  await last.exit;

  const published = messagesPerFile(fake, channels);
  const told = new Set(
    (
      await sql<{ dedup_key: string }>`select dedup_key from outbox where dedup_key like 'post-unknown:%'`.execute(
        store.db,
      )
    ).rows.map((r) => Number(r.dedup_key.split(':')[1])),
  );
  const all = await posts.inStates(FINAL_STATES);
  const states = new Map<string, number>();
  let double = 0;
  let lost = o.posts - all.length;
  let unknownPublished = 0;
  const slotToSent: number[] = [];
  for (const post of all) {
    states.set(post.state, (states.get(post.state) ?? 0) + 1);
    const times = published.get(post.file_id) ?? [];
    if (times.length > 1) double++;
    if (times.length > 0) slotToSent.push(Math.min(...times) - (post.planned_at ?? 0));
    if (post.state === 'unknown' && times.length > 0) unknownPublished++;
    const ok = (post.state === 'sent' && times.length > 0) || (post.state === 'unknown' && told.has(post.id));
    if (!ok) lost++;
  }
  note(
    `${label}: ${o.posts} posts over ${CHANNELS} channels, one every ${o.spacing} ms; ${kills} SIGKILLs ` +
      `(${duringCall} during a publish call); child start-up ${Math.round(startup / started)} ms on average; ` +
      `all settled ${Math.round(settledIn / 1000)} s after the last start (or the first post)`,
  );
  note(
    `${label}: ${[...states].map(([s, n]) => `${n} ${s}`).join(', ')} (${unknownPublished} of the unknown in the ` +
      `channel: the admins answer "It was published"); ${fake.requests('sendVideo')} publish calls`,
  );
  note(
    `${label}: planned → received, ms: p50 ${Math.round(percentile(slotToSent, 0.5))}, ` +
      `p95 ${Math.round(percentile(slotToSent, 0.95))}, max ${Math.round(Math.max(...slotToSent))}`,
  );
  await store.close();
  await fake.close();
  return { double, lost, slotToSent };
}

async function burstRun(): Promise<number> {
  const scale = PACING_MS / PER_CHAT_INTERVAL_MS;
  const fake = await startFakeBotApi();
  const spec: StoreSpec = { kind: 'sqlite', dataDir: tempDir('centinela-poster-burst-') };
  const store: Store = await openSpec(spec);
  const log = await quietLog();
  const config = configSchema.parse({});
  const queue = new Queue({
    store,
    log,
    pollMs: Math.max(10, Math.round(config.queue.poll_ms * scale)),
    leaseMs: 90_000,
    maxAttempts: config.queue.max_attempts,
    backoff: { baseMs: 1000, capMs: 300_000 },
  });
  const telegramFileId = telegramVideo(fake);
  const poster = new Poster({
    store,
    queue,
    api: await telegramPublishApi({ apiRoot: fake.apiRoot, token: fake.token, timeoutSeconds: 60 }),
    videoOf: async () => ({ telegramFileId }),
    admins: [{ chatId: ADMIN_CHAT, lang: 'en' }],
    missedGraceMs: config.content.missed_grace,
    log,
    pacer: new ChatPacer(PACING_MS),
    maxPacingWaitMs: 10_000 * scale,
    staleSendingMs: 120_000,
    leaseMs: 90_000,
  });
  const channel = '-1002000000000';
  const slot = Date.now() + 3000;
  const posts = new PostRecords(store);
  for (let i = 0; i < BURST; i++) {
    await posts.create({
      fileId: i + 1,
      creator: 'bench',
      target: channel,
      caption: `bench post ${i + 1}`,
      state: 'scheduled',
      plannedAt: slot,
    });
  }
  await poster.start();
  const least = (BURST - 1) * PACING_MS;
  await until(() => fake.sent(Number(channel)).length >= BURST, 'the burst was published', least * 3 + 60_000);
  const times = fake.sent(Number(channel)).map((c) => c.at);
  const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
  const makespan = Math.max(...times) - slot;
  note(
    `burst: ${BURST} posts due at once to one channel, paced every ${PACING_MS} ms (Telegram's pace ` +
      `${PER_CHAT_INTERVAL_MS} ms, ${+(1 / scale).toFixed(2)} times faster; queue poll and longest turn wait scaled alike): last one ` +
      `${Math.round(makespan)} ms after the slot, the least ${least} ms; smallest gap between two ${Math.min(...gaps)} ms`,
  );
  await queue.stop(1000);
  await store.close();
  await fake.close();
  return makespan / least;
}

const calm = await childRun('calm', { posts: CALM_POSTS, spacing: CALM_SPACING_MS, kills: 0 });
const crashes = await childRun('crashes', { posts: POSTS, spacing: SPACING_MS, kills: KILLS });
const burst = await burstRun();
const captions = await captionTimes({ captions: CAPTIONS, concurrency: 4, latencyMs: LATENCY_MS });
note(
  `captions: ${CAPTIONS}, 4 at a time, fake Gemini latency ${LATENCY_MS} ms; ${captions.fromTemplate} from the template`,
);
figure('double_posts', crashes.double + calm.double, 'posts');
figure('lost_posts', crashes.lost + calm.lost, 'posts');
figure('slot_to_sent_p95_ms', Math.round(percentile(calm.slotToSent, 0.95)), 'ms');
figure('burst_makespan_vs_limit', burst, 'x');
figure('caption_ms_p95', Math.round(percentile(captions.times, 0.95)), 'ms');
process.exit(0);
