// Benchmark of the caption client: N captions of a small video through the fake Gemini answering generateContent
// after a fixed latency (default 1 s), C at a time: upload (resumable), the wait until ACTIVE (the fake is ready
// at the first read), generateContent, the checks, the file's removal. Prints the time per caption.
// Env: BENCH_CAPTIONS (default 40), BENCH_CONCURRENCY (default 4), BENCH_LATENCY_MS (default 1000).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { configSchema } from '../src/core/config.ts';
import { captionSettingsFrom, createCaptionClient } from '../src/pipeline/content/captions/index.ts';
import type { CaptionInput } from '../src/pipeline/content/captions/index.ts';
import { startFakeGemini } from '../test/fakes/gemini/index.ts';
import { tempDir } from '../test/support/service.ts';
import { figure, median, note } from './support.ts';

const N = Number(process.env.BENCH_CAPTIONS ?? 40);
const C = Number(process.env.BENCH_CONCURRENCY ?? 4);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 1000);

const fake = await startFakeGemini({ latencyMs: LATENCY_MS, processing: { polls: 1 } });
fake.fallback({ content: { caption: 'Mole negro como lo hacía la abuela', hashtags: ['#mole'] } });
const video = join(tempDir(), 'clip.mp4');
writeFileSync(video, Buffer.alloc(2 * 1024 * 1024, 5)); // a 2 MB proxy
const settings = {
  ...captionSettingsFrom(configSchema.parse({})),
  baseUrl: fake.baseUrl,
  requestsPerMinute: 10_000, // the pace is not what is measured here
};
const client = createCaptionClient(settings, { apiKey: fake.apiKey });
const input: CaptionInput = {
  videoPath: video,
  creator: {
    name: 'Victoria',
    language: 'es',
    timezone: 'America/Mexico_City',
    persona: 'Cocinera de Oaxaca, cálida y breve.',
    hashtags: ['#oaxaca'],
    bannedWords: ['gratis'],
    captionTemplate: '{creator} · {date}\n{text}',
  },
  text: 'mole negro',
  day: new Date(),
  approved: ['Hoy toca mole'],
  spentToday: 0,
};

const times: number[] = [];
let next = 0;
let fromTemplate = 0;
async function worker(): Promise<void> {
  while (next < N) {
    next++;
    const t0 = performance.now();
    const r = await client.caption(input);
    times.push(performance.now() - t0);
    if (r.fromTemplate) fromTemplate++;
  }
}
await Promise.all(Array.from({ length: C }, () => worker()));
await fake.close();

const sorted = [...times].sort((a, b) => a - b);
const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] ?? NaN;
note(
  `${N} captions, ${C} at a time, generateContent latency ${LATENCY_MS} ms, 2 MB video; ${fromTemplate} from the template`,
);
figure('caption_ms_median', Math.round(median(times)), 'ms');
figure('caption_ms_p95', Math.round(p95), 'ms');
