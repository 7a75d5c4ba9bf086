// Benchmark of the caption client: N captions of a small video through the fake Gemini answering generateContent
// after a fixed latency (default 1 s), C at a time (see caption-times.ts). Prints the time per caption.
// Env: BENCH_CAPTIONS (default 40), BENCH_CONCURRENCY (default 4), BENCH_LATENCY_MS (default 1000).
import { captionTimes } from './caption-times.ts';
import { figure, median, note, percentile } from './support.ts';

const N = Number(process.env.BENCH_CAPTIONS ?? 40);
const C = Number(process.env.BENCH_CONCURRENCY ?? 4);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 1000);

const { times, fromTemplate } = await captionTimes({ captions: N, concurrency: C, latencyMs: LATENCY_MS });
note(
  `${N} captions, ${C} at a time, generateContent latency ${LATENCY_MS} ms, 2 MB video; ${fromTemplate} from the template`,
);
figure('caption_ms_median', Math.round(median(times)), 'ms');
figure('caption_ms_p95', Math.round(percentile(times, 0.95)), 'ms');
