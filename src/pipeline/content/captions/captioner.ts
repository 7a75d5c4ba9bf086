// One caption for one video: Gemini in the creator's voice, checked, or the creator's template when Gemini cannot
// (no key, budget spent, retries spent, file not ready, an empty or unusable answer). Never throws for Gemini's
// sake: the result says where the caption came from and why.
import { extname } from 'node:path';
import { tokenCost } from '../../../core/token-cost.ts';
import { CAPTION_LIMIT, bannedIn, compose, cutToFit, fits, normalizeHashtags, toHtml } from './checks.ts';
import { CaptionFailure, redact } from './errors.ts';
import { GeminiCaptions } from './gemini.ts';
import type { Answer, Asked, UploadedVideo } from './gemini.ts';
import { Pace } from './pace.ts';
import { avoidText, shortenText, systemInstruction, userText } from './prompt.ts';
import { fillTemplate } from './template.ts';
import type { CaptionClientOptions, CaptionInput, CaptionResult, CaptionSettings } from './types.ts';
import type { VideoProxy } from './proxy.ts';

// The video types Gemini takes (its documentation's list); Matroska (.mkv) is not one: it needs a proxy.
const MIME_TYPES: Readonly<Record<string, string>> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.mov': 'video/mov',
  '.webm': 'video/webm',
  '.mpeg': 'video/mpeg',
  '.mpg': 'video/mpg',
  '.avi': 'video/avi',
  '.wmv': 'video/wmv',
  '.flv': 'video/x-flv',
  '.3gp': 'video/3gpp',
};

export interface CaptionClient {
  caption(input: CaptionInput): Promise<CaptionResult>;
}

export function createCaptionClient(settings: CaptionSettings, options: CaptionClientOptions = {}): CaptionClient {
  return new Captioner(settings, options);
}

class Captioner implements CaptionClient {
  readonly #gemini: GeminiCaptions | null;
  private readonly settings: CaptionSettings;
  private readonly options: CaptionClientOptions;

  constructor(settings: CaptionSettings, options: CaptionClientOptions) {
    this.settings = settings;
    this.options = options;
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    this.#gemini = options.apiKey
      ? new GeminiCaptions({
          apiKey: options.apiKey,
          baseUrl: settings.baseUrl,
          models: settings.models,
          pace: new Pace(settings.requestsPerMinute, options.now ?? Date.now, sleep),
          sleep,
          requestTimeoutMs: options.requestTimeoutMs ?? 120_000,
          fileReadyTimeoutMs: options.fileReadyTimeoutMs ?? 300_000,
          filePollMs: options.filePollMs ?? 2000,
          maxAttempts: options.maxAttempts ?? 5,
        })
      : null;
  }

  async caption(input: CaptionInput): Promise<CaptionResult> {
    const budget = this.settings.dailyBudget;
    if (!this.#gemini) return this.#template(input, { problem: 'no GEMINI_API_KEY: the template caption' });
    if (budget > 0 && input.spentToday >= budget)
      return this.#template(input, {
        budgetReached: true,
        problem: `the daily caption budget (${budget} USD) is spent: the template caption`,
      });
    const tokens = { input: 0, output: 0 };
    let video: UploadedVideo | undefined;
    let proxy: VideoProxy | null = null;
    try {
      proxy = (await this.options.proxy?.(input.videoPath)) ?? null;
      const ext = extname(input.videoPath).toLowerCase();
      const mimeType = proxy?.mimeType ?? input.mimeType ?? MIME_TYPES[ext];
      if (!mimeType) throw new CaptionFailure(`Gemini does not take ${ext || 'this'} videos: give it an MP4 proxy`);
      video = await this.#gemini.upload(proxy?.path ?? input.videoPath, mimeType);
      const system = systemInstruction(input);
      const count = (a: Asked): Asked => {
        tokens.input += a.input;
        tokens.output += a.output;
        return a;
      };
      const first = count(await this.#gemini.ask(system, [{ video }, { text: userText(input) }]));
      return await this.#check(input, first, system, count, tokens);
    } catch (err) {
      const why = err instanceof CaptionFailure ? err.message : `caption failed: ${String(err)}`;
      return this.#template(input, { problem: redact(why, this.options.apiKey), tokens });
    } finally {
      if (video) await this.#gemini.remove(video.name);
      await proxy?.remove();
    }
  }

  /** Not empty, no banned word (one re-ask), within the limit (one re-ask, shared, then a cut at a word). */
  async #check(
    input: CaptionInput,
    first: Asked,
    system: string,
    count: (a: Asked) => Asked,
    tokens: { input: number; output: number },
  ): Promise<CaptionResult> {
    const gemini = this.#gemini as GeminiCaptions;
    const banned = input.creator.bannedWords;
    const modelIndex = (a: Asked): number => Math.max(0, this.settings.models.indexOf(a.model));
    const empty = (a: Answer | null): a is null => a === null || a.caption.trim() === '';
    if (empty(first.answer)) return this.#template(input, { problem: 'Gemini gave an empty caption', tokens });
    let asked = first;
    let answer: Answer = first.answer;
    let tags = this.#hashtags(input, answer);
    let reasked = false;

    const found = bannedIn(answer.caption, banned);
    if (found.length > 0) {
      reasked = true;
      asked = count(await gemini.ask(system, [{ text: avoidText(answer.caption, tags, found) }], modelIndex(asked)));
      const again = asked.answer;
      if (empty(again) || bannedIn(again.caption, banned).length > 0)
        return this.#template(input, { problem: `Gemini's caption kept a banned word (${found.join(', ')})`, tokens });
      answer = again;
      tags = this.#hashtags(input, answer);
    }
    let cut = false;
    if (!fits(answer.caption, tags) && !reasked) {
      const length = compose(answer.caption, tags).length;
      // A re-ask that fails leaves the long caption to be cut: it is still Gemini's, in the creator's voice.
      const shorter = await gemini
        .ask(system, [{ text: shortenText(answer.caption, tags, length) }], modelIndex(asked))
        .then(count, (err: unknown) => {
          if (err instanceof CaptionFailure) return null;
          throw err;
        });
      const again = shorter?.answer ?? null;
      if (shorter && !empty(again) && bannedIn(again.caption, banned).length === 0) {
        asked = shorter;
        answer = again;
        tags = this.#hashtags(input, answer);
      }
    }
    let caption = answer.caption.trim();
    if (!fits(caption, tags)) {
      ({ caption, hashtags: tags } = cutToFit(caption, tags));
      cut = true;
    }
    const text = compose(caption, tags);
    return {
      caption: text,
      html: toHtml(text),
      hashtags: tags,
      fromTemplate: false,
      model: asked.model,
      tokens: { ...tokens },
      cost: tokenCost(tokens, this.settings.prices),
      budgetReached: false,
      cut,
    };
  }

  /** The creator's hashtags first, then Gemini's; none holding a banned word. */
  #hashtags(input: CaptionInput, answer: Answer): string[] {
    return normalizeHashtags([...input.creator.hashtags, ...answer.hashtags]).filter(
      (t) => bannedIn(t.slice(1), input.creator.bannedWords).length === 0,
    );
  }

  #template(
    input: CaptionInput,
    o: { problem: string; budgetReached?: boolean; tokens?: { input: number; output: number } },
  ): CaptionResult {
    const tokens = { ...(o.tokens ?? { input: 0, output: 0 }) };
    let caption = fillTemplate(input.creator, input.text, input.day);
    let hashtags = normalizeHashtags(input.creator.hashtags);
    if (compose(caption, hashtags).length > CAPTION_LIMIT) ({ caption, hashtags } = cutToFit(caption, hashtags));
    const text = compose(caption, hashtags);
    return {
      caption: text,
      html: toHtml(text),
      hashtags,
      fromTemplate: true,
      model: null,
      tokens,
      cost: tokenCost(tokens, this.settings.prices),
      budgetReached: o.budgetReached ?? false,
      cut: false,
      problem: o.problem,
    };
  }
}
