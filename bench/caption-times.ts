// Captions of a small video through the fake Gemini answering generateContent after a fixed latency, C at a time:
// upload (resumable), the wait until ACTIVE (the fake is ready at the first read), generateContent, the checks, the
// file's removal. Shared by the captions and poster benchmarks.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { configSchema } from '../src/core/config.ts';
import { captionSettingsFrom, createCaptionClient } from '../src/pipeline/content/captions/index.ts';
import type { CaptionInput } from '../src/pipeline/content/captions/index.ts';
import { startFakeGemini } from '../test/fakes/gemini/index.ts';
import { tempDir } from '../test/support/service.ts';

export interface CaptionTimes {
  /** ms per caption, in the order they finished. */
  times: number[];
  fromTemplate: number;
}

export async function captionTimes(o: {
  captions: number;
  concurrency: number;
  latencyMs: number;
}): Promise<CaptionTimes> {
  const fake = await startFakeGemini({ latencyMs: o.latencyMs, processing: { polls: 1 } });
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
    while (next < o.captions) {
      next++;
      const t0 = performance.now();
      const r = await client.caption(input);
      times.push(performance.now() - t0);
      if (r.fromTemplate) fromTemplate++;
    }
  }
  try {
    await Promise.all(Array.from({ length: o.concurrency }, () => worker()));
  } finally {
    await fake.close();
  }
  return { times, fromTemplate };
}
