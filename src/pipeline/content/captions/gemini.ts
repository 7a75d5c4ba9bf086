// @google/genai for captions, loaded on the first caption (not at start: idle memory). Uploads the video through
// the Files API and waits until it is ACTIVE, then asks generateContent for {caption, hashtags}, trying the next
// model on overload and waiting out 429s, every attempt paced under requests_per_minute.
import type * as GenAI from '@google/genai';
import { z } from 'zod';
import { CaptionFailure, classify } from './errors.ts';
import type { Pace } from './pace.ts';

type Sdk = typeof GenAI;
type Client = InstanceType<Sdk['GoogleGenAI']>;

let sdk: Promise<Sdk> | undefined;
function loadSdk(): Promise<Sdk> {
  sdk ??= import('@google/genai');
  return sdk;
}

/** A 429 asking for longer than this is a spent quota (per day), not a busy minute: give up. */
const MAX_RATE_WAIT_MS = 60_000;
const UPLOAD_ATTEMPTS = 3;
const FIRST_POLL_MS = 500;

const answerSchema = z.object({ caption: z.string(), hashtags: z.array(z.string()).default([]) });
export type Answer = z.infer<typeof answerSchema>;

export interface GeminiOptions {
  apiKey: string;
  baseUrl: string;
  models: readonly string[];
  pace: Pace;
  sleep: (ms: number) => Promise<void>;
  requestTimeoutMs: number;
  fileReadyTimeoutMs: number;
  filePollMs: number;
  maxAttempts: number;
}

export interface UploadedVideo {
  name: string;
  uri: string;
  mimeType: string;
}

export interface Asked {
  /** Null: the answer was empty or not {caption, hashtags}. */
  answer: Answer | null;
  model: string;
  input: number;
  output: number;
}

function backoffMs(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** (attempt - 1));
}

export class GeminiCaptions {
  #client: Client | undefined;
  #sdk: Sdk | undefined;
  private readonly o: GeminiOptions;

  constructor(options: GeminiOptions) {
    this.o = options;
  }

  async #load(): Promise<{ client: Client; sdk: Sdk }> {
    if (!this.#client || !this.#sdk) {
      this.#sdk = await loadSdk();
      const httpOptions = { timeout: this.o.requestTimeoutMs, ...(this.o.baseUrl ? { baseUrl: this.o.baseUrl } : {}) };
      this.#client = new this.#sdk.GoogleGenAI({ apiKey: this.o.apiKey, httpOptions });
    }
    return { client: this.#client, sdk: this.#sdk };
  }

  /** Uploads (resumable) and waits until the file is ACTIVE; FAILED or still PROCESSING at the bound: a failure. */
  async upload(path: string, mimeType: string): Promise<UploadedVideo> {
    const { client } = await this.#load();
    let file;
    for (let attempt = 1; ; attempt++) {
      try {
        file = await client.files.upload({ file: path, config: { mimeType } });
        break;
      } catch (err) {
        const f = classify(err);
        if (f.kind === 'fatal' || attempt >= UPLOAD_ATTEMPTS) throw new CaptionFailure(`upload failed: ${f.text}`);
        await this.o.sleep(f.kind === 'rate' ? (f.delayMs ?? backoffMs(attempt)) : backoffMs(attempt));
      }
    }
    const name = file.name ?? '';
    // Short videos are ready in a second or two: read soon, then every filePollMs, up to fileReadyTimeoutMs in all.
    let waited = 0;
    for (let i = 0; ; i++) {
      if (file.state === 'ACTIVE') return { name, uri: file.uri ?? '', mimeType: file.mimeType ?? mimeType };
      if (file.state === 'FAILED')
        throw new CaptionFailure(`Gemini could not process the video (${file.error?.message ?? 'FAILED'})`);
      if (waited >= this.o.fileReadyTimeoutMs)
        throw new CaptionFailure(
          `the video was still ${file.state ?? 'not ready'} at Gemini after ${Math.round(waited / 1000)} s`,
        );
      const wait = Math.min(this.o.filePollMs, FIRST_POLL_MS * 2 ** i, this.o.fileReadyTimeoutMs - waited);
      await this.o.sleep(wait);
      waited += wait;
      try {
        file = await client.files.get({ name });
      } catch (err) {
        const f = classify(err);
        if (f.kind === 'fatal') throw new CaptionFailure(`reading the uploaded video failed: ${f.text}`);
      }
    }
  }

  /** Best effort: an uploaded file expires by itself after 48 h. */
  async remove(name: string): Promise<void> {
    const { client } = await this.#load();
    await client.files.delete({ name }).catch(() => undefined);
  }

  /**
   * One answer, from `firstModel` (an index into the models) on: 429 waits (RetryInfo, else backoff) and asks the
   * same model; 500/503/504 ask the next model (after the last, a backoff and the first again); no answer waits.
   */
  async ask(
    system: string,
    parts: ReadonlyArray<{ text: string } | { video: UploadedVideo }>,
    firstModel = 0,
  ): Promise<Asked> {
    const { client, sdk } = await this.#load();
    const { Type } = sdk;
    const responseSchema = {
      type: Type.OBJECT,
      properties: {
        caption: { type: Type.STRING, description: 'the caption, without hashtags' },
        hashtags: { type: Type.ARRAY, items: { type: Type.STRING } },
      },
      required: ['caption', 'hashtags'],
      propertyOrdering: ['caption', 'hashtags'],
    };
    const contents = [
      {
        role: 'user',
        parts: parts.map((p) =>
          'text' in p ? { text: p.text } : { fileData: { fileUri: p.video.uri, mimeType: p.video.mimeType } },
        ),
      },
    ];
    const models = this.o.models;
    let index = Math.min(firstModel, models.length - 1);
    let last = '';
    for (let attempt = 1; attempt <= this.o.maxAttempts; attempt++) {
      const model = models[index] ?? '';
      await this.o.pace.take();
      try {
        const res = await client.models.generateContent({
          model,
          contents,
          config: { systemInstruction: system, responseMimeType: 'application/json', responseSchema },
        });
        const u = res.usageMetadata;
        // Gemini 2.5 bills its thinking as output.
        const used = {
          model,
          input: u?.promptTokenCount ?? 0,
          output: (u?.candidatesTokenCount ?? 0) + (u?.thoughtsTokenCount ?? 0),
        };
        return { ...used, answer: parseAnswer(res.text) };
      } catch (err) {
        const f = classify(err);
        last = f.text;
        if (f.kind === 'fatal') throw new CaptionFailure(f.text);
        if (attempt === this.o.maxAttempts) break; // no wait for an attempt that will not come
        if (f.kind === 'rate') {
          const wait = f.delayMs ?? backoffMs(attempt);
          if (wait > MAX_RATE_WAIT_MS)
            throw new CaptionFailure(`${f.text} (asks to wait ${Math.round(wait / 1000)} s)`);
          await this.o.sleep(wait);
        } else if (f.kind === 'overload') {
          index = (index + 1) % models.length;
          if (index === 0) await this.o.sleep(backoffMs(attempt));
        } else await this.o.sleep(backoffMs(attempt));
      }
    }
    throw new CaptionFailure(`no caption after ${this.o.maxAttempts} attempts; last: ${last}`);
  }
}

function parseAnswer(text: string | undefined): Answer | null {
  if (!text) return null;
  try {
    const parsed = answerSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
