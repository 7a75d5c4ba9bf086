// One client for OpenAI chat completions with structured outputs: our own throttle (even pacing, limits learned from
// the headers, concurrency, one probe at a time while OpenAI fails), our own retries (the SDK's are off), answers
// checked against their zod schema, costs, and a stop when the account runs out of credit.
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type {
  ChatCompletion,
  ChatCompletionContentPart,
  ChatCompletionCreateParamsNonStreaming,
} from 'openai/resources/chat/completions';
import { z } from 'zod';
import { fullJitterDelay } from '../../../core/limits.ts';
import type { Logger } from '../../../core/log.ts';
import { jsonSchemaOf, readAnswer } from './answer.ts';
import type { AnswerSchema } from './answer.ts';
import { defaultPrices, tokenCost } from '../outcomes/index.ts';
import type { Prices } from '../outcomes/index.ts';
import type { HeaderSource } from './durations.ts';
import { retryAfterMs } from './durations.ts';
import {
  BrokenAnswerError,
  InvalidOutputError,
  OpenAIRequestError,
  ProviderOutageError,
  QuotaExhaustedError,
  scrubKey,
} from './errors.ts';
import { estimatePromptTokens } from './estimate.ts';
import { Throttle, TokenCalibration } from './throttle.ts';
import type { Permit } from './throttle.ts';

const optionsSchema = z.object({
  apiKey: z.string().min(1, 'an OpenAI API key is required'),
  baseURL: z.url().optional(),
  model: z.string().min(1).default('gpt-4o-mini'),
  requestsPerMinute: z.number().positive(),
  tokensPerMinute: z.number().positive(),
  concurrency: z.number().int().positive(),
  timeoutMs: z.number().positive(),
  prices: z
    .object({
      inputPerMillion: z.number().nonnegative(),
      outputPerMillion: z.number().nonnegative(),
      currency: z.string(),
    })
    .optional(),
  maxAttempts: z.number().int().min(1).default(6),
  backoff: z
    .object({ minMs: z.number().nonnegative(), maxMs: z.number().positive() })
    .default({ minMs: 1000, maxMs: 60_000 }),
  maxTokens: z.number().int().positive().default(1000),
});

export interface OpenAIClientOptions {
  apiKey: string;
  baseURL?: string;
  /** Default 'gpt-4o-mini'. */
  model?: string;
  /** Where the limits start; the server's x-ratelimit-limit-* replace them as soon as an answer carries them. */
  requestsPerMinute: number;
  tokensPerMinute: number;
  /** Requests in flight at most: about requests/s × latency (Little's law) to use the whole budget. */
  concurrency: number;
  /** Per attempt; a timeout is retried. */
  timeoutMs: number;
  /** What a million tokens cost (invoices.price_per_million_tokens); default the configuration's defaults. */
  prices?: Prices;
  log: Logger;
  /** Called once when the account is out of credit (until resume()): alert the admins. */
  onQuotaExhausted?: (message: string) => void;
  /** Attempts per extract, default 6. */
  maxAttempts?: number;
  /**
   * Waits between tries, default 1 s and 60 s (tests use milliseconds): after a 429 without retry-after (full
   * jitter), and while OpenAI fails for everyone, between probes (doubling from min to max).
   */
  backoff?: { minMs: number; maxMs: number };
  /** Default max output tokens per request (1000); OpenAI charges it against tokens/min at admission. */
  maxTokens?: number;
}

export interface ExtractImage {
  mime: string;
  bytes: Buffer;
  /** Default 'high': invoices have small print. */
  detail?: 'low' | 'high' | 'auto';
}

export interface ExtractInput<T = unknown> {
  images?: ExtractImage[];
  text?: string;
  /**
   * The answer's zod object: the strict JSON schema sent is made from it, and the answer must fit it. One that does
   * not (or is not JSON) is a failed attempt; after the last, a BrokenAnswerError saying which field and how.
   */
  schema: AnswerSchema<T>;
  system?: string;
  maxTokens?: number;
}

export interface Usage {
  prompt: number;
  completion: number;
  total: number;
}

export interface ExtractResult<T = unknown> {
  data: T;
  usage: Usage;
  /** What the tokens cost at the client's prices, in their currency (USD by default; the name is what invoice data keeps). */
  costUsd: number;
  attempts: number;
}

export interface ClientTotals {
  /** Requests sent (every attempt). */
  requests: number;
  succeeded: number;
  rateLimited: number;
  retries: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

const DEFAULT_SYSTEM =
  'You read invoices. Answer only with JSON that fits the given schema; use null for what is not there.';

type Verdict =
  | { kind: 'retry'; waitMs: number; rateLimited: boolean; reason: string }
  | { kind: 'broken'; reason: string }
  | { kind: 'quota'; message: string }
  | { kind: 'fatal'; error: Error };

export class OpenAIClient {
  readonly model: string;
  readonly throttle: Throttle;
  readonly calibration = new TokenCalibration();
  readonly totals: ClientTotals = {
    requests: 0,
    succeeded: 0,
    rateLimited: 0,
    retries: 0,
    promptTokens: 0,
    completionTokens: 0,
    costUsd: 0,
  };
  readonly #o: z.infer<typeof optionsSchema>;
  readonly #sdk: OpenAI;
  readonly #log: Logger;
  readonly #prices: Prices;
  readonly #onQuota: ((message: string) => void) | undefined;
  #quota: QuotaExhaustedError | null = null;

  constructor(options: OpenAIClientOptions) {
    const { log, onQuotaExhausted, ...rest } = options;
    const parsed = optionsSchema.safeParse(rest);
    if (!parsed.success)
      throw new Error(`OpenAI client options: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`);
    this.#o = parsed.data;
    this.#log = log;
    this.#onQuota = onQuotaExhausted;
    this.model = this.#o.model;
    this.#prices = this.#o.prices ?? defaultPrices();
    this.#sdk = new OpenAI({
      apiKey: this.#o.apiKey,
      baseURL: this.#o.baseURL,
      maxRetries: 0,
      timeout: this.#o.timeoutMs,
    });
    this.throttle = new Throttle({
      requestsPerMinute: this.#o.requestsPerMinute,
      tokensPerMinute: this.#o.tokensPerMinute,
      concurrency: this.#o.concurrency,
      probe: this.#o.backoff,
    });
  }

  /** Whether sending is stopped for lack of credit. */
  get quotaExhausted(): boolean {
    return this.#quota !== null;
  }

  /** Sending may start again (credit was added); the next exhaustion alerts again. */
  resume(): void {
    if (this.#quota) this.#log.info('OpenAI sending resumed');
    this.#quota = null;
  }

  async extract<T = unknown>(input: ExtractInput<T>, signal?: AbortSignal): Promise<ExtractResult<T>> {
    this.#failIfQuota();
    const { body, promptEstimate } = this.#request(input);
    const maxTokens = body.max_completion_tokens ?? 0;
    let last: Verdict | undefined;
    // What the answers that could not be used cost: paid all the same.
    const spent: Usage = { prompt: 0, completion: 0, total: 0 };
    for (let attempt = 1; attempt <= this.#o.maxAttempts; attempt++) {
      this.#failIfQuota();
      const estimate = Math.ceil(promptEstimate * this.calibration.ratio) + maxTokens;
      const permit = await this.throttle.acquire(estimate, signal);
      if (this.#quota) {
        this.throttle.settle(permit, 0);
        this.throttle.release(permit);
        throw this.#quota;
      }
      let completion: ChatCompletion | undefined;
      try {
        this.totals.requests++;
        const { data, response } = await this.#sdk.chat.completions
          .create(body, { signal, timeout: this.#o.timeoutMs })
          .withResponse();
        this.throttle.observe(response.headers, permit);
        this.throttle.serverAnswered();
        completion = data;
      } catch (err) {
        last = this.#judge(err, attempt, permit, signal);
      } finally {
        // The slot is free while we back off.
        this.throttle.release(permit);
      }
      if (completion) {
        const read = this.#finish(completion, input, permit, promptEstimate, attempt, spent);
        if (read.ok) return read.result;
        last = { kind: 'broken', reason: read.reason };
        if (attempt < this.#o.maxAttempts) {
          this.totals.retries++;
          this.#log.warn({ attempt, reason: read.reason }, 'OpenAI answer unusable; asking again');
        }
        continue;
      }
      if (!last || last.kind === 'broken') continue;
      if (last.kind === 'quota') throw this.#exhausted(last.message);
      if (last.kind === 'fatal') throw last.error;
      if (attempt < this.#o.maxAttempts) {
        this.totals.retries++;
        const level = last.rateLimited ? 'debug' : 'warn';
        this.#log[level](
          { attempt, waitMs: Math.round(last.waitMs), reason: last.reason },
          'OpenAI request failed; retrying',
        );
        if (last.waitMs > 0) await sleep(last.waitMs, undefined, { signal: signal ?? undefined });
      }
    }
    if (last?.kind === 'broken')
      throw new BrokenAnswerError(last.reason, this.#o.maxAttempts, spent, this.#cost(spent));
    const reason = last?.kind === 'retry' ? last.reason : 'unknown error';
    const outage = this.throttle.outageMs;
    if (outage !== null) {
      const message = `OpenAI has been failing for everyone for ${Math.round(outage / 1000)} s (${reason}); waiting for it to come back`;
      throw new ProviderOutageError(message, this.#o.maxAttempts);
    }
    throw new OpenAIRequestError(`OpenAI request failed after ${this.#o.maxAttempts} attempts: ${reason}`, {
      retryable: true,
      attempts: this.#o.maxAttempts,
    });
  }

  #failIfQuota(): void {
    if (this.#quota) throw this.#quota;
  }

  #exhausted(message: string): QuotaExhaustedError {
    if (!this.#quota) {
      this.#quota = new QuotaExhaustedError(`OpenAI quota exhausted: ${message}`);
      this.#log.error({ reason: message }, 'OpenAI quota exhausted: sending stopped until resumed');
      this.throttle.rejectAll(this.#quota);
      try {
        this.#onQuota?.(this.#quota.message);
      } catch (err) {
        this.#log.error({ err }, 'onQuotaExhausted failed');
      }
    }
    return this.#quota;
  }

  #request(input: ExtractInput<unknown>): { body: ChatCompletionCreateParamsNonStreaming; promptEstimate: number } {
    const images = input.images ?? [];
    if (images.length === 0 && !input.text)
      throw new OpenAIRequestError('extract needs images or text', { retryable: false, attempts: 0 });
    const system = input.system ?? DEFAULT_SYSTEM;
    const parts: ChatCompletionContentPart[] = [];
    if (input.text) parts.push({ type: 'text', text: input.text });
    for (const image of images) {
      parts.push({
        type: 'image_url',
        image_url: {
          url: `data:${image.mime};base64,${image.bytes.toString('base64')}`,
          detail: image.detail ?? 'high',
        },
      });
    }
    const body: ChatCompletionCreateParamsNonStreaming = {
      model: this.model,
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: parts },
      ],
      response_format: {
        type: 'json_schema',
        json_schema: { name: input.schema.name, strict: true, schema: jsonSchemaOf(input.schema.zod) },
      },
      max_completion_tokens: input.maxTokens ?? this.#o.maxTokens,
    };
    const promptEstimate = estimatePromptTokens([[system], input.text ? [input.text] : []], images);
    return { body, promptEstimate };
  }

  #judge(err: unknown, attempt: number, permit: Permit, signal: AbortSignal | undefined): Verdict {
    // No answer came back (or an error one): give its tokens back; the headers, if any, say what the server counted.
    this.throttle.settle(permit, 0);
    if (err instanceof APIUserAbortError || signal?.aborted)
      return { kind: 'fatal', error: signal?.reason instanceof Error ? signal.reason : asError(err) };
    const jitter = (): number =>
      Math.max(
        this.#o.backoff.minMs,
        fullJitterDelay(attempt, { baseMs: Math.max(1, this.#o.backoff.minMs), capMs: this.#o.backoff.maxMs }),
      );
    // A failure of the provider's: one budget for everyone, the throttle's probes (no retry of our own).
    const failed = (reason: string, after?: number): Verdict => {
      this.throttle.serverFailed(permit, after);
      return { kind: 'retry', waitMs: 0, rateLimited: false, reason };
    };
    if (err instanceof APIConnectionTimeoutError) return failed(`timed out after ${this.#o.timeoutMs} ms`);
    if (err instanceof APIConnectionError) return failed(`connection error: ${err.message}`);
    if (!(err instanceof APIError) || err.status === undefined) return { kind: 'fatal', error: asError(err) };
    const message = scrubKey(apiMessage(err), this.#o.apiKey);
    const headers: HeaderSource | undefined = err.headers ?? undefined;
    const after = retryAfterMs(headers);
    if (err.status >= 500 || err.status === 408) return failed(`${err.status} ${message}`, after);
    this.throttle.serverAnswered();
    if (err.status === 429) {
      if (err.code === 'insufficient_quota' || errorType(err) === 'insufficient_quota')
        return { kind: 'quota', message };
      this.totals.rateLimited++;
      if (headers) this.throttle.observe(headers);
      if (after === undefined && /request too large/i.test(message)) {
        return {
          kind: 'fatal',
          error: new OpenAIRequestError(message, {
            status: 429,
            code: err.code ?? null,
            retryable: false,
            attempts: attempt,
          }),
        };
      }
      const wait = after ?? jitter();
      // Everyone waits: the next requests would only be refused too. The retry itself waits in acquire().
      this.throttle.pause(wait);
      return { kind: 'retry', waitMs: 0, rateLimited: true, reason: `429 ${message}` };
    }
    // A 404 is almost always a base URL without its /v1: say where the request went.
    const hint =
      err.status === 404
        ? ` (requests go to ${withoutUserInfo(this.#sdk.baseURL)}/chat/completions: check invoices.openai.base_url, which usually ends in /v1)`
        : '';
    return {
      kind: 'fatal',
      error: new OpenAIRequestError(`OpenAI refused the request (${err.status}): ${message}${hint}`, {
        status: err.status,
        code: err.code ?? null,
        retryable: false,
        attempts: attempt,
      }),
    };
  }

  /** The answer read (its cost added to `spent`); a broken one is a reason to ask again, a refusal or a cut one throws. */
  #finish<T>(
    completion: ChatCompletion,
    input: ExtractInput<T>,
    permit: Permit,
    promptEstimate: number,
    attempts: number,
    spent: Usage,
  ): { ok: true; result: ExtractResult<T> } | { ok: false; reason: string } {
    const u = completion.usage;
    const usage: Usage = {
      prompt: u?.prompt_tokens ?? 0,
      completion: u?.completion_tokens ?? 0,
      total: u?.total_tokens ?? 0,
    };
    this.throttle.settle(permit, u ? usage.total : permit.tokens);
    if (u) this.calibration.observe(promptEstimate, usage.prompt);
    this.totals.succeeded++;
    this.totals.promptTokens += usage.prompt;
    this.totals.completionTokens += usage.completion;
    this.totals.costUsd += this.#cost(usage);
    spent.prompt += usage.prompt;
    spent.completion += usage.completion;
    spent.total += usage.total;
    const cost = this.#cost(spent);
    const choice = completion.choices[0];
    const invalid = (why: string): InvalidOutputError =>
      new InvalidOutputError(why, attempts, undefined, { ...spent }, cost);
    if (!choice) throw invalid('OpenAI answered without a choice');
    if (choice.message.refusal) throw invalid(`OpenAI refused: ${choice.message.refusal}`);
    if (choice.finish_reason === 'length')
      throw invalid(`the answer was cut short at ${input.maxTokens ?? this.#o.maxTokens} tokens (raise maxTokens)`);
    const content = choice.message.content;
    if (content === null || content === '') throw invalid('OpenAI answered with no content');
    const read = readAnswer(content, input.schema.zod);
    if (!read.ok) return read;
    return { ok: true, result: { data: read.data, usage: { ...spent }, costUsd: cost, attempts } };
  }

  /** What tokens cost at the configured prices (the one calculator: ../outcomes/cost.ts), as a number. */
  #cost(usage: { prompt: number; completion: number }): number {
    return Number(tokenCost({ input: usage.prompt, output: usage.completion }, this.#prices).amount);
  }
}

function withoutUserInfo(url: string): string {
  if (!URL.canParse(url)) return url;
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString().replace(/\/+$/, '');
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function apiMessage(err: APIError): string {
  const e = err.error;
  if (typeof e === 'object' && e !== null && 'message' in e && typeof e.message === 'string') return e.message;
  return err.message;
}

function errorType(err: APIError): string | undefined {
  if (typeof err.type === 'string') return err.type;
  const e = err.error;
  return typeof e === 'object' && e !== null && 'type' in e && typeof e.type === 'string' ? e.type : undefined;
}
