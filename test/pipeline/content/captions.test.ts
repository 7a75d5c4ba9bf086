// The caption client against the fake Gemini (test/fakes/gemini) through the real @google/genai SDK.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { configSchema } from '../../../src/core/config.ts';
import {
  CAPTION_LIMIT,
  captionSettingsFrom,
  createCaptionClient,
} from '../../../src/pipeline/content/captions/index.ts';
import type {
  CaptionClientOptions,
  CaptionCreator,
  CaptionInput,
  CaptionSettings,
} from '../../../src/pipeline/content/captions/index.ts';
import { startFakeGemini } from '../../fakes/gemini/index.ts';
import type { FakeGemini, FakeGeminiOptions } from '../../fakes/gemini/index.ts';
import { REPO, tempDir } from '../../support/service.ts';

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

const creator: CaptionCreator = {
  name: 'Victoria',
  language: 'es',
  timezone: 'America/Mexico_City',
  persona: 'Cocinera de Oaxaca, cálida y breve, habla de tú.',
  hashtags: ['#oaxaca', 'cocina'],
  bannedWords: ['Café Barato', 'gratis'],
  captionTemplate: '{creator} · {date}\n{text}',
};

function input(over: Partial<CaptionInput> = {}): CaptionInput {
  const videoPath = join(tempDir(), 'clip.mp4');
  writeFileSync(videoPath, Buffer.alloc(2048, 3));
  return {
    videoPath,
    creator,
    text: 'mole negro de mi abuela',
    day: new Date('2026-03-10T18:00:00Z'),
    approved: ['Hoy toca mole, ¿quién se apunta?', 'Tamales recién hechos 🫔'],
    spentToday: 0,
    ...over,
  };
}

function settings(over: Partial<CaptionSettings> = {}): CaptionSettings {
  return {
    ...captionSettingsFrom(configSchema.parse({})),
    models: ['gemini-a', 'gemini-b'],
    requestsPerMinute: 60,
    ...over,
  };
}

interface Setup {
  fake: FakeGemini;
  sleeps: number[];
  client: ReturnType<typeof createCaptionClient>;
}

async function setup(
  o: { fake?: FakeGeminiOptions; settings?: Partial<CaptionSettings>; client?: Partial<CaptionClientOptions> } = {},
): Promise<Setup> {
  const fake = await startFakeGemini(o.fake);
  fakes.push(fake);
  const sleeps: number[] = [];
  const client = createCaptionClient(settings({ baseUrl: fake.baseUrl, ...o.settings }), {
    apiKey: fake.apiKey,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    filePollMs: 1000,
    fileReadyTimeoutMs: 10_000,
    ...o.client,
  });
  return { fake, sleeps, client };
}

const long = (n: number): string => Array.from({ length: n }, (_, i) => `palabra${i % 10}`).join(' ');

describe('captions through Gemini', () => {
  test("a caption in the creator's voice: the prompt carries persona, words and approved captions; the file is ready and removed", async () => {
    const { fake, client } = await setup({ fake: { processing: { polls: 2 } } });
    fake.script({
      content: { caption: 'Mole negro como lo hacía la abuela <3', hashtags: ['#Mole', 'oaxaca'] },
      promptTokens: 1000,
      outputTokens: 100,
    });
    const r = await client.caption(input());
    expect(r.fromTemplate).toBe(false);
    expect(r.caption).toBe('Mole negro como lo hacía la abuela <3\n\n#oaxaca #cocina #Mole');
    expect(r.html).toBe('Mole negro como lo hacía la abuela &lt;3\n\n#oaxaca #cocina #Mole');
    expect(r.hashtags).toEqual(['#oaxaca', '#cocina', '#Mole']);
    expect(r.model).toBe('gemini-a');
    expect(r.tokens).toEqual({ input: 1000, output: 100 });
    // 1000 × 0.30 + 100 × 2.50 per million = 0.00055 USD.
    expect(r.cost).toMatchObject({ amount: '0.000550', currency: 'USD' });
    expect(r.budgetReached).toBe(false);
    expect(r.problem).toBeUndefined();

    const [gen] = fake.generations;
    const system = String(gen?.body?.systemInstruction?.parts[0]?.['text']);
    expect(system).toContain(creator.persona);
    expect(system).toContain('Spanish');
    expect(system).toContain('gratis');
    const parts = gen?.body?.contents[0]?.parts ?? [];
    expect(parts[0]?.['fileData']).toMatchObject({ mimeType: 'video/mp4' });
    const text = String(parts[1]?.['text']);
    expect(text).toContain('mole negro de mi abuela');
    expect(text).toContain('Hoy toca mole, ¿quién se apunta?');
    expect(gen?.body?.generationConfig?.responseMimeType).toBe('application/json');
    expect(gen?.body?.generationConfig?.responseSchema).toMatchObject({ required: ['caption', 'hashtags'] });
    // Used only once ACTIVE (the fake refuses otherwise), then deleted.
    expect(fake.requests.filter((q) => q.method === 'GET')).toHaveLength(2);
    expect(fake.files.size).toBe(0);
  });

  test('over-long: one re-ask to shorten brings it within the limit', async () => {
    const { fake, client } = await setup();
    fake.script(
      { content: { caption: long(200), hashtags: ['x'] } },
      { content: { caption: 'Mole, corto.', hashtags: [] } },
    );
    const r = await client.caption(input());
    expect(r.fromTemplate).toBe(false);
    expect(r.cut).toBe(false);
    expect(r.caption).toBe('Mole, corto.\n\n#oaxaca #cocina');
    expect(fake.generations).toHaveLength(2);
    const reask = fake.generations[1]?.body?.contents[0]?.parts ?? [];
    expect(reask.some((p) => 'fileData' in p)).toBe(false); // the re-ask sends text, not the video again
    expect(String(reask[0]?.['text'])).toContain('Shorten');
  });

  test('still over-long after the re-ask: cut at a word, within the limit', async () => {
    const { fake, client } = await setup();
    fake.script({ content: { caption: long(200), hashtags: [] } }, { content: { caption: long(180), hashtags: [] } });
    const r = await client.caption(input());
    expect(r.fromTemplate).toBe(false);
    expect(r.cut).toBe(true);
    expect(r.caption.length).toBeLessThanOrEqual(CAPTION_LIMIT);
    expect(r.caption).toMatch(/palabra\d…\n\n#oaxaca #cocina$/);
    expect(fake.generations).toHaveLength(2);
  });

  test('over-long, and the re-ask finds every model overloaded: the first caption cut at a word', async () => {
    const { fake, client } = await setup({ client: { maxAttempts: 2 } });
    fake.script({ content: { caption: long(200), hashtags: [] } }, { error: 503 }, { error: 503 });
    const result = await client.caption(input());
    expect(result).toMatchObject({ fromTemplate: false, cut: true, model: 'gemini-a' });
    expect(result.caption.length).toBeLessThanOrEqual(CAPTION_LIMIT);
    expect(fake.generations.map((g) => g.status)).toEqual([200, 503, 503]);
  });

  test('an empty answer, or one that is not {caption, hashtags}: the template', async () => {
    const { fake, client } = await setup();
    fake.script({ content: '' }, { content: { caption: '   ', hashtags: [] } }, { content: 'not json' });
    for (let i = 0; i < 3; i++) {
      const r = await client.caption(input());
      expect(r.fromTemplate).toBe(true);
      expect(r.caption).toBe('Victoria · 10 de marzo de 2026\nmole negro de mi abuela\n\n#oaxaca #cocina');
      expect(r.problem).toBe('Gemini gave an empty caption');
      expect(r.model).toBeNull();
      expect(r.tokens.input).toBeGreaterThan(0); // the call was paid for
    }
  });

  test('a banned word, whatever its case and accents: one re-ask; banned again: the template', async () => {
    const { fake, client } = await setup();
    fake.script(
      { content: { caption: 'El CAFE barato de la esquina', hashtags: ['#Gratis', '#mole'] } },
      { content: { caption: 'El café de la esquina', hashtags: ['#mole'] } },
    );
    const ok = await client.caption(input());
    expect(ok.fromTemplate).toBe(false);
    expect(ok.caption).toBe('El café de la esquina\n\n#oaxaca #cocina #mole');
    expect(String(fake.generations[1]?.body?.contents[0]?.parts[0]?.['text'])).toContain('Café Barato');

    fake.script(
      { content: { caption: 'Todo GRATÍS hoy', hashtags: [] } },
      { content: { caption: 'Sigue gratis', hashtags: [] } },
    );
    const bad = await client.caption(input());
    expect(bad.fromTemplate).toBe(true);
    expect(bad.problem).toContain('banned word (gratis)');
  });

  test('a file stuck in PROCESSING: a clear error, then the template; FAILED likewise', async () => {
    const { fake, client, sleeps } = await setup({ fake: { processing: 'stuck' } });
    const r = await client.caption(input());
    expect(r.fromTemplate).toBe(true);
    expect(r.problem).toBe('the video was still PROCESSING at Gemini after 10 s');
    expect(sleeps).toEqual([500, ...Array<number>(9).fill(1000), 500]);
    expect(fake.generations).toHaveLength(0);
    fake.processing({ polls: 1, fail: 'video codec not supported' });
    const failed = await client.caption(input());
    expect(failed.problem).toBe('Gemini could not process the video (video codec not supported)');
  });

  test('429 waits what RetryInfo says, then the same model answers', async () => {
    const { fake, client, sleeps } = await setup();
    fake.mode({ status: 429, times: 2, retryDelaySeconds: 3 });
    fake.script({ content: { caption: 'Por fin', hashtags: [] } });
    const r = await client.caption(input());
    expect(r.fromTemplate).toBe(false);
    expect(r.model).toBe('gemini-a');
    expect(sleeps.filter((ms) => ms === 3000)).toHaveLength(2);
    expect(fake.generations.map((g) => `${g.model} ${g.status}`)).toEqual([
      'gemini-a 429',
      'gemini-a 429',
      'gemini-a 200',
    ]);
  });

  test('an overloaded model: the next one answers', async () => {
    const { fake, client } = await setup();
    fake.overloaded('gemini-a');
    fake.script({ content: { caption: 'Desde el segundo modelo', hashtags: [] } });
    const r = await client.caption(input());
    expect(r.model).toBe('gemini-b');
    expect(fake.generations.map((g) => `${g.model} ${g.status}`)).toEqual(['gemini-a 503', 'gemini-b 200']);
  });

  test('every model overloaded until the attempts run out: the template, after bounded waits', async () => {
    const { fake, client, sleeps } = await setup({ client: { maxAttempts: 4 } });
    fake.mode({ status: 503 });
    const r = await client.caption(input());
    expect(r.fromTemplate).toBe(true);
    expect(r.problem).toMatch(
      /^no caption after 4 attempts; last: Gemini answered 503 UNAVAILABLE: The model is overloaded/,
    );
    expect(fake.generations).toHaveLength(4);
    expect(sleeps).toEqual([500, 2000]); // the file's one read, then a backoff when the list starts over
  });

  test('requests are paced under requests_per_minute: a burst up to the limit, then one every 60/limit s', async () => {
    const { fake, client, sleeps } = await setup({ settings: { requestsPerMinute: 2 }, client: { now: () => 0 } });
    for (let i = 0; i < 3; i++) expect((await client.caption(input())).fromTemplate).toBe(false);
    expect(fake.generations).toHaveLength(3);
    expect(sleeps.filter((ms) => ms !== 500)).toEqual([30_000]); // besides the file reads
  });

  test('a container Gemini does not take (.mkv) without a proxy: the template, nothing uploaded', async () => {
    const { fake, client } = await setup();
    const videoPath = join(tempDir(), 'clip.mkv');
    writeFileSync(videoPath, Buffer.alloc(64, 1));
    const r = await client.caption(input({ videoPath }));
    expect(r).toMatchObject({ fromTemplate: true, problem: 'Gemini does not take .mkv videos: give it an MP4 proxy' });
    expect(fake.requests).toHaveLength(0);
  });

  test('no key: the template, and nothing is sent', async () => {
    const { fake } = await setup();
    const client = createCaptionClient(settings({ baseUrl: fake.baseUrl }), {});
    const r = await client.caption(input({ text: '' }));
    expect(r).toMatchObject({
      fromTemplate: true,
      budgetReached: false,
      model: null,
      problem: expect.stringContaining('no GEMINI_API_KEY'),
    });
    expect(r.caption).toBe('Victoria · 10 de marzo de 2026\n\n#oaxaca #cocina');
    expect(fake.requests).toHaveLength(0);
  });

  test('the daily budget reached: the template and the flag for the alert; 0 means no cap', async () => {
    const { fake, client } = await setup({ settings: { dailyBudget: 0.5 } });
    const r = await client.caption(input({ spentToday: 0.5 }));
    expect(r).toMatchObject({ fromTemplate: true, budgetReached: true });
    expect(r.cost.amount).toBe('0.000000');
    expect(fake.requests).toHaveLength(0);
    expect((await client.caption(input({ spentToday: 0.49 }))).fromTemplate).toBe(false);
    const { client: uncapped } = await setup({ settings: { dailyBudget: 0 } });
    expect((await uncapped.caption(input({ spentToday: 1e6 }))).budgetReached).toBe(false);
  });

  test('a refused key never reaches the problem text', async () => {
    const fake = await startFakeGemini();
    fakes.push(fake);
    const key = 'AIzaSyWrongKeyWrongKeyWrongKey0000000';
    const client = createCaptionClient(settings({ baseUrl: fake.baseUrl }), {
      apiKey: key,
      sleep: () => Promise.resolve(),
    });
    const r = await client.caption(input());
    expect(r.fromTemplate).toBe(true);
    expect(r.problem).toContain('API key not valid');
    expect(JSON.stringify(r)).not.toContain(key);
  });

  test('the SDK is not loaded by importing the module (idle memory): only on the first caption', () => {
    const script = join(tempDir(), 'lazy.mjs');
    const index = pathToFileURL(join(REPO, 'src/pipeline/content/captions/index.ts')).href;
    writeFileSync(
      script,
      `import { registerHooks } from 'node:module';
const seen = [];
registerHooks({ resolve(spec, ctx, next) { const r = next(spec, ctx); seen.push(r.url); return r; } });
await import(${JSON.stringify(index)});
process.stdout.write(String(seen.some((u) => u.includes('@google/genai'))));`,
    );
    expect(execFileSync(process.execPath, [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })).toBe(
      'false',
    );
  });
});
