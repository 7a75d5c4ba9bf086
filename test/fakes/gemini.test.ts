// The fake Gemini (test/fakes/gemini), driven by the official @google/genai SDK over loopback HTTP.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ApiError, GoogleGenAI, Type, createPartFromUri } from '@google/genai';
import { afterEach, describe, expect, test } from 'vitest';
import { startFakeGemini } from './gemini/index.ts';
import type { FakeGemini, FakeGeminiOptions } from './gemini/index.ts';
import { tempDir } from '../support/service.ts';

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

async function start(options?: FakeGeminiOptions): Promise<{ fake: FakeGemini; ai: GoogleGenAI }> {
  const fake = await startFakeGemini(options);
  fakes.push(fake);
  return { fake, ai: new GoogleGenAI({ apiKey: fake.apiKey, httpOptions: { baseUrl: fake.baseUrl } }) };
}

function video(bytes = 1000): string {
  const path = join(tempDir(), 'clip.mp4');
  writeFileSync(path, Buffer.alloc(bytes, 7));
  return path;
}

const schema = {
  type: Type.OBJECT,
  properties: { caption: { type: Type.STRING }, hashtags: { type: Type.ARRAY, items: { type: Type.STRING } } },
  required: ['caption', 'hashtags'],
};

async function errorOf(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('fake Gemini with @google/genai', () => {
  test('a video uploads resumably, turns ACTIVE on the second read and is captioned with a schema', async () => {
    const { fake, ai } = await start({ processing: { polls: 2 } });
    fake.script({ content: { caption: 'Hola', hashtags: ['#a'] } });
    const file = await ai.files.upload({ file: video(), config: { mimeType: 'video/mp4' } });
    expect(file.state).toBe('PROCESSING');
    expect(file.sizeBytes).toBe('1000');
    const uri = file.uri ?? '';
    const part = createPartFromUri(uri, 'video/mp4');
    // Used before it is ready: refused, as the real API does.
    const early = await errorOf(ai.models.generateContent({ model: 'gemini-2.5-flash', contents: [part] }));
    expect(early.status).toBe(400);
    expect(early.message).toContain('FAILED_PRECONDITION');
    expect((await ai.files.get({ name: file.name ?? '' })).state).toBe('PROCESSING');
    expect((await ai.files.get({ name: file.name ?? '' })).state).toBe('ACTIVE');
    const res = await ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: [{ role: 'user', parts: [part, { text: 'Write a caption.' }] }],
      config: {
        systemInstruction: 'You are a creator.',
        responseMimeType: 'application/json',
        responseSchema: schema,
      },
    });
    expect(JSON.parse(res.text ?? '')).toEqual({ caption: 'Hola', hashtags: ['#a'] });
    expect(res.usageMetadata?.promptTokenCount).toBeGreaterThan(258);
    expect(res.usageMetadata?.candidatesTokenCount).toBeGreaterThan(0);
    const sent = fake.generations.at(-1)?.body;
    expect(sent?.systemInstruction?.parts[0]?.['text']).toBe('You are a creator.');
    expect(sent?.generationConfig?.responseMimeType).toBe('application/json');
    expect(sent?.generationConfig?.responseSchema).toMatchObject({ type: 'OBJECT' });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`).slice(0, 2)).toEqual([
      'POST /upload/v1beta/files',
      'POST /upload/v1beta/files',
    ]);
  });

  test('FAILED and stuck files, and an unknown one', async () => {
    const { fake, ai } = await start({ processing: { polls: 1, fail: 'unsupported codec' } });
    const failed = await ai.files.upload({ file: video(), config: { mimeType: 'video/mp4' } });
    const read = await ai.files.get({ name: failed.name ?? '' });
    expect(read.state).toBe('FAILED');
    expect(read.error?.message).toBe('unsupported codec');
    fake.processing('stuck');
    const stuck = await ai.files.upload({ file: video(), config: { mimeType: 'video/mp4' } });
    for (let i = 0; i < 5; i++) expect((await ai.files.get({ name: stuck.name ?? '' })).state).toBe('PROCESSING');
    expect((await errorOf(ai.files.get({ name: 'files/nosuchfile' }))).status).toBe(403);
  });

  test('429 carries RetryInfo; 503 says overloaded; per-model overload; a wrong key is refused', async () => {
    const { fake, ai } = await start();
    const ask = (model = 'gemini-2.5-flash'): Promise<unknown> =>
      ai.models.generateContent({ model, contents: 'hello' });
    fake.mode({ status: 429, times: 1, retryDelaySeconds: 7 });
    const limited = await errorOf(ask());
    expect(limited.status).toBe(429);
    const body = JSON.parse(limited.message) as { error: { status: string; details: Array<Record<string, string>> } };
    expect(body.error.status).toBe('RESOURCE_EXHAUSTED');
    expect(body.error.details).toContainEqual({
      '@type': 'type.googleapis.com/google.rpc.RetryInfo',
      retryDelay: '7s',
    });
    await ask();
    fake.mode({ status: 503, times: 1 });
    expect((await errorOf(ask())).message).toContain('overloaded');
    fake.overloaded('gemini-2.5-pro');
    expect((await errorOf(ask('gemini-2.5-pro'))).status).toBe(503);
    await ask('gemini-2.5-flash');
    const stranger = new GoogleGenAI({ apiKey: 'AIzaWrong', httpOptions: { baseUrl: fake.baseUrl } });
    const refused = await errorOf(stranger.models.generateContent({ model: 'm', contents: 'x' }));
    expect(refused.status).toBe(400);
    expect(refused.message).toContain('API_KEY_INVALID');
  });

  test('scripted strings are sent verbatim (empty and over-long), a scripted error at its turn, then the fallback', async () => {
    const { fake, ai } = await start();
    fake.script({ content: '' }, { error: 503 }, { content: 'x'.repeat(3000) });
    const ask = async (): Promise<string> =>
      (await ai.models.generateContent({ model: 'm', contents: 'hi' })).text ?? '';
    expect(await ask()).toBe('');
    expect((await errorOf(ask())).message).toContain('overloaded');
    expect((await ask()).length).toBe(3000);
    expect(JSON.parse(await ask())).toEqual({ caption: 'A caption from the fake.', hashtags: [] });
  });

  test('latency delays each answer by at least the set time', async () => {
    const { fake, ai } = await start({ latencyMs: 80 });
    const t0 = performance.now();
    await ai.models.generateContent({ model: 'm', contents: 'hi' });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(75);
    fake.setLatency(0);
  });
});
