// Soak (issue 19): the whole service, in a child process, for SOAK_MINUTES (default 10) against the fakes with a
// mixed load — videos through the content pipeline (check, caption by the fake Gemini, plan, publish to the fake
// channel), invoices by Telegram (single XML and photo albums), the inbox folder, HTTP batches and a Google Drive
// folder (the fake Drive, synced every 15 s), error lines in a tailed log — while things go wrong: Telegram 429s and a 60 s outage, OpenAI held at its request limit, Gemini
// 429s and 503s, a SIGKILL and restart every SOAK_KILL_EVERY_S (120), the tailed log rotated every minute.
// Then the load stops, the service gets SOAK_DRAIN_S (240) to finish, stops, and its store is read.
// Videos are MP4 headers with no picture and ffprobe is turned off: the first-bytes check takes them, so the soak
// measures the pipeline, not ffmpeg's decoding (tested apart in test/pipeline/content/video-check.test.ts).
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeDrive } from '../test/fakes/drive/index.ts';
import { startFakeGemini } from '../test/fakes/gemini/index.ts';
import { startFakeOpenAI } from '../test/fakes/openai/index.ts';
import { startFakeBotApi } from '../test/fakes/telegram/index.ts';
import { botEnv } from '../test/support/bot-service.ts';
import { startService, tempDir } from '../test/support/service.ts';
import type { RunningService } from '../test/support/service.ts';
import { account } from './soak-account.ts';
import { SoakLoad } from './soak-load.ts';
import { figure, note, rssMb } from './support.ts';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const KILL_EVERY_S = Number(process.env.SOAK_KILL_EVERY_S ?? 120);
const DRAIN_S = Number(process.env.SOAK_DRAIN_S ?? 240);
const TICK_MS = 2000;
const CHANNEL = -1001234567890;
const API_TOKEN = 'soak-token-0123456789abcdef';
const OPENAI_RPM = 60;

const dir = tempDir('centinela-soak-');
const telegram = await startFakeBotApi();
const openai = await startFakeOpenAI({ requestsPerMinute: OPENAI_RPM, latencyMs: { min: 200, max: 800 } });
const gemini = await startFakeGemini({ latencyMs: { min: 300, max: 1200 } });
gemini.fallback({ content: { caption: 'Nuevo video de hoy', hashtags: ['#soak'] } });
const drive = await startFakeDrive();
const driveFolder = drive.addFolder({ name: 'Facturas' });
const driveKey = join(dir, 'drive-key.json');
writeFileSync(driveKey, JSON.stringify(drive.serviceAccountKey));
const load = new SoakLoad(telegram, openai, dir);

const env = (): Record<string, string> => {
  const { CENTINELA_HTTP_PORT: _port, ...bot } = botEnv(telegram, dir, {
    CENTINELA_API_TOKEN: API_TOKEN,
    CENTINELA_QUEUE_LEASE_SECONDS: '10',
    OPENAI_API_KEY: openai.apiKey,
    CENTINELA_INVOICES_OPENAI_BASE_URL: openai.baseURL,
    CENTINELA_INVOICES_OPENAI_REQUESTS_PER_MINUTE: String(OPENAI_RPM),
    CENTINELA_INVOICES_OPENAI_CONCURRENCY: '4',
    GEMINI_API_KEY: gemini.apiKey,
    CENTINELA_CONTENT_GEMINI_BASE_URL: gemini.baseUrl,
    CENTINELA_CONTENT_GEMINI_REQUESTS_PER_MINUTE: '20',
    CENTINELA_CONTENT_CHANNEL: String(CHANNEL),
    CENTINELA_CONTENT_VIDEO_FFPROBE: '/nonexistent/bin/ffprobe',
    CENTINELA_CONTENT_VIDEO_FFMPEG: '/nonexistent/bin/ffmpeg',
    CENTINELA_CONTENT_CREATORS: JSON.stringify([{ folder: 'victor', language: 'en', persona: 'A cheerful baker.' }]),
    CENTINELA_INVOICES_INBOX: load.inbox,
    CENTINELA_MONITOR_LOGS: JSON.stringify([load.appLog]),
    GOOGLE_APPLICATION_CREDENTIALS: driveKey,
    CENTINELA_DRIVE_FOLDERS: JSON.stringify([driveFolder]),
    CENTINELA_DRIVE_API_ROOT: drive.rootUrl,
    CENTINELA_DRIVE_SCHEDULE: '*/15 * * * * *',
    CENTINELA_DRIVE_SLEEP_BETWEEN_BATCH_SECONDS: '0',
  });
  return bot;
};

interface Sample {
  life: number;
  ageS: number;
  rssMb: number;
  fds: number;
}
const samples: Sample[] = [];
let service: RunningService = await startService({ cwd: dir, env: env(), timeoutMs: 60_000 });
let life = 0;
let lifeStarted = Date.now();
const fds = (pid: number): number => readdirSync(`/proc/${pid}/fd`).length;

const sample = (): void => {
  const pid = service.proc.pid;
  if (pid === undefined || service.proc.exitCode !== null) return;
  try {
    samples.push({ life, ageS: (Date.now() - lifeStarted) / 1000, rssMb: rssMb(pid), fds: fds(pid) });
  } catch {
    // exited between the check and the read
  }
};

async function restart(): Promise<void> {
  await service.stop('SIGKILL');
  service = await startService({ cwd: dir, env: env(), timeoutMs: 60_000 });
  life++;
  lifeStarted = Date.now();
}

async function postHttpBatch(): Promise<void> {
  const batch = load.httpBatch();
  // An upload cut by a kill is sent again, as a script would: the intake tells a re-sent file as a duplicate.
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      const res = await fetch(`${service.url}/batches`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_TOKEN}` },
        body: batch.form(),
        signal: AbortSignal.timeout(15_000),
      });
      if (res.status === 200) return batch.commit();
    } catch {
      // the service is restarting
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  note('an HTTP batch could not be uploaded in 20 attempts');
}

const started = Date.now();
const elapsedS = (): number => (Date.now() - started) / 1000;
const outageAt = MINUTES >= 3 ? MINUTES * 60 * 0.4 : Infinity;
let outage: 'before' | 'on' | 'after' = 'before';
let nextKill = KILL_EVERY_S;
let nextRotate = 60;
let rotations = 0;
let kills = 0;
let tick = 0;
note(`soak: ${MINUTES} min in ${dir}; a SIGKILL every ${KILL_EVERY_S} s, rotation every 60 s, outage at ${outageAt} s`);

while (elapsedS() < MINUTES * 60) {
  const t = elapsedS();
  const step = tick++ % 7;
  if (step === 0) load.video();
  else if (step === 1) load.telegramXml();
  else if (step === 2) load.album();
  else if (step === 3) load.inboxXml();
  else if (step === 4) await postHttpBatch();
  else if (step === 5) load.driveXml(drive, driveFolder);
  else load.logErrors();
  if (tick % 10 === 0) telegram.fail('sendMessage', { status: 429, retryAfter: 2 }, 3);
  if (tick % 22 === 0) gemini.mode({ status: 429, times: 2 });
  if (tick % 45 === 0) gemini.mode({ status: 503, times: 2 });
  if (outage === 'before' && t >= outageAt) {
    await telegram.offline(true);
    outage = 'on';
    note(`Telegram offline at ${t.toFixed(0)} s`);
  } else if (outage === 'on' && t >= outageAt + 60) {
    await telegram.offline(false);
    outage = 'after';
    note(`Telegram back at ${t.toFixed(0)} s`);
  }
  if (t >= nextRotate) {
    load.rotateLog(++rotations);
    nextRotate += 60;
  }
  if (t >= nextKill) {
    await restart();
    kills++;
    nextKill += KILL_EVERY_S;
  }
  sample();
  await new Promise((r) => setTimeout(r, TICK_MS));
}
if (outage === 'on') await telegram.offline(false);
telegram.heal();
gemini.mode('normal');
note(`load over at ${elapsedS().toFixed(0)} s: ${load.sent.length} files sent, ${kills} kills, ${rotations} rotations`);

// The drain: the service finishes what it has; the store is read while it runs (WAL), and once more after the stop.
const drainEnd = Date.now() + DRAIN_S * 1000;
for (;;) {
  const now = await account(join(dir, 'data'), load.sent);
  if ((now.accounted === load.sent.length && now.alertsUndelivered === 0) || Date.now() > drainEnd) break;
  sample();
  await new Promise((r) => setTimeout(r, 5000));
}
note(`drained at ${elapsedS().toFixed(0)} s`);
await service.stop('SIGTERM');
const final = await account(join(dir, 'data'), load.sent);
const published = new Map<string, number>();
for (const c of telegram.calls)
  if (c.method === 'sendVideo' && c.result !== undefined && String(c.params.chat_id) === String(CHANNEL))
    published.set(String(c.params.video), (published.get(String(c.params.video)) ?? 0) + 1);
const doublePosts = [...published.values()].reduce((s, n) => s + n - 1, 0);
await Promise.all([telegram.close(), openai.close(), gemini.close(), drive.close()]);

// Growth: the first life against the last, each read at the same age (the oldest age both reached), so start-up
// and lazy loading weigh the same on both sides.
const lives = [...new Set(samples.map((s) => s.life))];
const first = samples.filter((s) => s.life === lives[0]);
const last = samples.filter((s) => s.life === lives.at(-1));
const age = Math.min(Math.max(...first.map((s) => s.ageS)), Math.max(...last.map((s) => s.ageS)));
const at = (list: Sample[]): Sample =>
  list.reduce((best, s) => (Math.abs(s.ageS - age) < Math.abs(best.ageS - age) ? s : best));
const [a, b] = [at(first), at(last)];
note(
  `first life at ${a.ageS.toFixed(0)} s: ${a.rssMb.toFixed(1)} MB, ${a.fds} fds; last at ${b.ageS.toFixed(0)} s: ${b.rssMb.toFixed(1)} MB, ${b.fds} fds`,
);
note(`unaccounted by route: ${JSON.stringify(final.unaccounted)}; posts published: ${published.size}`);

figure('files_in', load.sent.length, 'files');
figure('files_accounted', final.accounted, 'files');
figure('duplicates', final.duplicates, 'files');
figure('double_posts', doublePosts, 'posts');
figure('alerts_undelivered', final.alertsUndelivered, 'messages');
figure('rss_growth_percent', ((b.rssMb - a.rssMb) / a.rssMb) * 100, '%');
figure('fd_growth', b.fds - a.fds, 'fds');
figure('max_rss_mb', Math.max(...samples.map((s) => s.rssMb)), 'MB');
