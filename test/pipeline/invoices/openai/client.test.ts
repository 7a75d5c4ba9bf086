// The invoice pipeline's OpenAI client (src/pipeline/invoices/openai): the throttle on its own with a fake clock,
// then the whole client against the fake OpenAI over loopback HTTP.
import OpenAI from 'openai';
import pino from 'pino';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { z } from 'zod';
import {
  BrokenAnswerError,
  OpenAIClient,
  OpenAIRequestError,
  ProviderOutageError,
  QuotaExhaustedError,
  Throttle,
  TokenCalibration,
  parseDuration,
} from '../../../../src/pipeline/invoices/openai/index.ts';
import type { OpenAIClientOptions, Permit } from '../../../../src/pipeline/invoices/openai/index.ts';
import { headersOf, retryAfterMs } from '../../../../src/pipeline/invoices/openai/durations.ts';
import { sha256Hex, startFakeOpenAI } from '../../../fakes/openai/index.ts';
import type { FakeOpenAI, FakeOpenAIOptions } from '../../../fakes/openai/index.ts';
import { eventually } from '../../../support/stores.ts';

const silent = pino({ level: 'silent' });

const SCHEMA = { name: 'invoice', zod: z.strictObject({ vendor: z.string(), total: z.number() }) };

/** A "PNG": the signature, then bytes that make it unique. */
function png(seed: string): Buffer {
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(seed)]);
}

describe('durations and headers', () => {
  test('Go-style durations', () => {
    expect(parseDuration('20ms')).toBe(20);
    expect(parseDuration('1s')).toBe(1000);
    expect(parseDuration('8.64s')).toBeCloseTo(8640);
    expect(parseDuration('6m0s')).toBe(360_000);
    expect(parseDuration('1h2m3.5s')).toBe(3_723_500);
    expect(parseDuration('0s')).toBe(0);
    expect(parseDuration('2')).toBe(2000);
    expect(parseDuration('soon')).toBeUndefined();
    expect(parseDuration(null)).toBeUndefined();
  });

  test('retry-after-ms wins over retry-after', () => {
    expect(retryAfterMs(headersOf({ 'retry-after': '2', 'retry-after-ms': '1234' }))).toBe(1234);
    expect(retryAfterMs(headersOf({ 'Retry-After': '3' }))).toBe(3000);
    expect(retryAfterMs(headersOf({}))).toBeUndefined();
  });
});

describe('throttle', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function clocked(o: { rpm: number; tpm: number; concurrency?: number }): {
    throttle: Throttle;
    tick(ms: number): void;
  } {
    let t = 0;
    const throttle = new Throttle({
      requestsPerMinute: o.rpm,
      tokensPerMinute: o.tpm,
      concurrency: o.concurrency ?? 1000,
      now: () => t,
    });
    return { throttle, tick: (ms) => void (t += ms) };
  }

  test('bucket math: an even rate, limit/60 per second, with a burst of half a second', async () => {
    const { throttle, tick } = clocked({ rpm: 600, tpm: 60_000 });
    expect(throttle.requests.capacity).toBe(5);
    expect(throttle.tokens.capacity).toBe(500);
    const permits: Permit[] = [];
    for (let i = 0; i < 5; i++) permits.push(await throttle.acquire(10));
    expect(throttle.requests.level).toBe(0);
    expect(throttle.waitMs(0)).toBeCloseTo(100); // ten requests a second
    tick(50);
    expect(throttle.waitMs(0)).toBeCloseTo(50);
    tick(50);
    expect(throttle.waitMs(0)).toBe(0);
    // tokens: 500 - 50 taken + 100 ms of refill (100), capped at the capacity
    expect(throttle.tokens.level).toBeCloseTo(500);
    // settle gives back what a request did not use (never above the capacity), charges what it used beyond
    throttle.settle(permits[1] as Permit, 20);
    expect(throttle.tokens.level).toBeCloseTo(490);
    throttle.settle(permits[0] as Permit, 4);
    expect(throttle.tokens.level).toBeCloseTo(496);
    // more than the burst waits for a full bucket, then leaves debt that the refill pays first
    expect(throttle.waitMs(10_000)).toBeCloseTo(4);
    tick(4);
    await throttle.acquire(10_000);
    expect(throttle.tokens.level).toBeCloseTo(-9500);
    expect(throttle.waitMs(10)).toBeCloseTo(9510);
  });

  test('observe learns the limits from x-ratelimit-* headers, up or down, and what is left', async () => {
    const { throttle, tick } = clocked({ rpm: 600, tpm: 200_000 });
    const permit = await throttle.acquire(1000);
    tick(100);
    throttle.observe(
      headersOf({
        'x-ratelimit-limit-requests': '120',
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': '1m0s',
        'x-ratelimit-limit-tokens': '2000000',
        'x-ratelimit-remaining-tokens': '5000',
        'x-ratelimit-reset-tokens': '59.85s',
      }),
      permit,
    );
    // The configured figures were only the start: the server's limits replace them, lower and higher.
    expect(throttle.requests.limit).toBe(120);
    expect(throttle.tokens.limit).toBe(2_000_000);
    expect(throttle.tokens.capacity).toBeCloseTo(16_666.7, 0);
    // requests: the minute is used up (0 left at the answer, +100 ms of refill at 2/s): wait for it
    expect(throttle.requests.level).toBeCloseTo(0.2, 5);
    // tokens: 5000 left (+100 ms at 2M/min) is under our burst: lowered to it
    expect(throttle.tokens.level).toBeCloseTo(5000 + 3333.3, 0);
    // what we sent after that request is off the server's figure (the limit back at 600: a burst of 5)
    tick(10_000);
    throttle.observe(headersOf({ 'x-ratelimit-limit-requests': '600' }));
    expect(throttle.requests.level).toBeCloseTo(5, 5);
    const a = await throttle.acquire(0);
    await throttle.acquire(0);
    const limits = {
      'x-ratelimit-limit-requests': '600',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '1m0s',
    };
    throttle.observe(headersOf(limits), a);
    expect(throttle.requests.level).toBeCloseTo(-1, 5);
    // a server that says more than we think never raises our level
    throttle.observe(headersOf({ 'x-ratelimit-remaining-requests': '119', 'x-ratelimit-reset-requests': '500ms' }));
    expect(throttle.requests.level).toBeCloseTo(-1, 5);
  });

  test('FIFO waiters wake when the bucket allows, without polling', async () => {
    vi.useFakeTimers();
    const throttle = new Throttle({
      requestsPerMinute: 60,
      tokensPerMinute: 1e6,
      concurrency: 100,
      now: () => Date.now(),
    });
    await throttle.acquire(1); // the burst at 60/min is one request
    const order: number[] = [];
    const a = throttle.acquire(1).then(() => order.push(1));
    const b = throttle.acquire(1).then(() => order.push(2));
    await vi.advanceTimersByTimeAsync(990);
    expect(order).toEqual([]);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(20);
    expect(order).toEqual([1]);
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all([a, b]);
    expect(order).toEqual([1, 2]);
  });

  test('a large request at the head is not overtaken by small ones', async () => {
    vi.useFakeTimers();
    // 1000 tokens a second, a burst of 500
    const throttle = new Throttle({
      requestsPerMinute: 1000,
      tokensPerMinute: 60_000,
      concurrency: 100,
      now: () => Date.now(),
    });
    await throttle.acquire(5000); // 4500 in debt
    const order: string[] = [];
    const big = throttle.acquire(3000).then(() => order.push('big'));
    const small = throttle.acquire(10).then(() => order.push('small'));
    await vi.advanceTimersByTimeAsync(4_900); // the debt and a full burst take 5 s
    expect(order).toEqual([]);
    await vi.advanceTimersByTimeAsync(200);
    expect(order).toEqual(['big']);
    await vi.advanceTimersByTimeAsync(3_000);
    await Promise.all([big, small]);
    expect(order).toEqual(['big', 'small']);
  });

  test('concurrency cap, pause after a 429, abort while waiting', async () => {
    vi.useFakeTimers();
    const throttle = new Throttle({
      requestsPerMinute: 1e6,
      tokensPerMinute: 1e9,
      concurrency: 2,
      now: () => Date.now(),
    });
    const p1 = await throttle.acquire(1);
    await throttle.acquire(1);
    let third = false;
    const t3 = throttle.acquire(1).then((p) => ((third = true), p));
    await vi.advanceTimersByTimeAsync(1000);
    expect(third).toBe(false);
    throttle.release(p1);
    throttle.release(await t3);
    expect(third).toBe(true);

    throttle.pause(500);
    let after = false;
    const t4 = throttle.acquire(1).then(() => (after = true));
    await vi.advanceTimersByTimeAsync(499);
    expect(after).toBe(false);
    await vi.advanceTimersByTimeAsync(2);
    await t4;
    expect(after).toBe(true);

    const controller = new AbortController();
    const t5 = throttle.acquire(1, controller.signal);
    controller.abort(new Error('stop'));
    await expect(t5).rejects.toThrow('stop');
    expect(throttle.waiting).toBe(0);
  });

  test('provider failing: nothing goes but one probe at a time, doubling its wait; an answer lets everyone go', async () => {
    vi.useFakeTimers();
    const throttle = new Throttle({
      requestsPerMinute: 1e6,
      tokensPerMinute: 1e9,
      concurrency: 10,
      probe: { minMs: 100, maxMs: 300 },
      now: () => Date.now(),
    });
    const first = await throttle.acquire(1);
    throttle.serverFailed(first);
    throttle.release(first);
    expect(throttle.outageMs).toBe(0);
    const sent: Permit[] = [];
    const all = Array.from({ length: 3 }, () => throttle.acquire(1).then((p) => sent.push(p)));
    await vi.advanceTimersByTimeAsync(99);
    expect(sent).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(2);
    expect(sent).toHaveLength(1); // the probe, alone
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent).toHaveLength(1); // while it is out, nothing else
    throttle.serverFailed(sent[0] as Permit);
    throttle.release(sent[0] as Permit);
    await vi.advanceTimersByTimeAsync(199);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2);
    expect(sent).toHaveLength(2); // the next probe after twice the wait
    throttle.serverAnswered();
    await Promise.all(all);
    expect(sent).toHaveLength(3);
    expect(throttle.outageMs).toBeNull();
  });

  test('calibration: a running ratio of actual to estimated prompt tokens', () => {
    const c = new TokenCalibration();
    expect(c.ratio).toBe(1);
    c.observe(100, 150);
    expect(c.ratio).toBeCloseTo(1.5);
    for (let i = 0; i < 50; i++) c.observe(100, 200);
    expect(c.ratio).toBeGreaterThan(1.95);
    for (let i = 0; i < 50; i++) c.observe(100, 1000);
    expect(c.ratio).toBe(4); // bounded
  });
});

describe('OpenAIClient against the fake OpenAI', () => {
  const fakes: FakeOpenAI[] = [];
  afterEach(async () => {
    await Promise.all(fakes.splice(0).map((f) => f.close()));
  });

  async function start(
    fakeOptions: FakeOpenAIOptions = {},
    clientOptions: Partial<OpenAIClientOptions> = {},
  ): Promise<{ fake: FakeOpenAI; client: OpenAIClient }> {
    const fake = await startFakeOpenAI({ latencyMs: { min: 2, max: 10 }, ...fakeOptions });
    fakes.push(fake);
    const client = new OpenAIClient({
      apiKey: fake.apiKey,
      baseURL: fake.baseURL,
      requestsPerMinute: 6000,
      tokensPerMinute: 10_000_000,
      concurrency: 8,
      timeoutMs: 5000,
      backoff: { minMs: 5, maxMs: 40 },
      log: silent,
      ...clientOptions,
    });
    return { fake, client };
  }

  test('extracts from an image: schema sent, answer parsed, usage and cost computed', async () => {
    const { fake, client } = await start({}, { prices: { inputPerMillion: 2, outputPerMillion: 8, currency: 'USD' } });
    const image = png('invoice-1');
    fake.scenario(sha256Hex(image), { content: { vendor: 'ACME', total: 12.5 }, completionTokens: 20 });
    const result = await client.extract({
      images: [{ mime: 'image/png', bytes: image }],
      text: 'Read this invoice.',
      schema: SCHEMA,
      maxTokens: 300,
    });
    expect(result.data).toEqual({ vendor: 'ACME', total: 12.5 });
    expect(result.attempts).toBe(1);
    const [req] = fake.requests;
    expect(req?.imageHashes).toEqual([sha256Hex(image)]);
    expect(req?.model).toBe('gpt-4o-mini');
    // The strict JSON schema is made from the zod definition the answer is checked against.
    const schema = {
      type: 'object',
      additionalProperties: false,
      required: ['vendor', 'total'],
      properties: { vendor: { type: 'string' }, total: { type: 'number' } },
    };
    expect(req?.responseFormat).toEqual({
      type: 'json_schema',
      json_schema: { name: 'invoice', strict: true, schema },
    });
    // The fake charges prompt estimate + max_tokens at admission and reports the same estimate as usage.
    expect(result.usage.prompt).toBe((req?.chargedTokens ?? 0) - 300);
    expect(result.usage.completion).toBe(20);
    expect(result.usage.total).toBe(result.usage.prompt + 20);
    expect(result.costUsd).toBeCloseTo((result.usage.prompt * 2 + 20 * 8) / 1e6, 12);
    expect(client.totals.costUsd).toBeCloseTo(result.costUsd, 12);
    // our estimate matched the fake's, so the calibration stays at 1
    expect(client.calibration.ratio).toBeCloseTo(1, 5);
  });

  test('default prices are the model list price; calibration follows the reported usage', async () => {
    const { fake, client } = await start();
    fake.fallback({ content: { vendor: 'X', total: 1 }, promptTokens: 2000, completionTokens: 10 });
    let last = 0;
    for (let i = 0; i < 5; i++)
      last = (await client.extract({ images: [{ mime: 'image/png', bytes: png(`c${i}`) }], schema: SCHEMA })).costUsd;
    expect(last).toBeCloseTo((2000 * 0.15 + 10 * 0.6) / 1e6, 12);
    expect(client.calibration.ratio).toBeGreaterThan(2); // the estimate is ~800 tokens, the usage says 2000
  });

  test('an answer that breaks the schema is a failed attempt; after the last, an error saying which field and how', async () => {
    const { fake, client } = await start(
      {},
      { maxAttempts: 3, prices: { inputPerMillion: 1, outputPerMillion: 1, currency: 'USD' } },
    );
    // A number where a string is required, a required field missing: sent on demand, as a compatible server may.
    fake.fallback({ content: { vendor: 42 }, breaksSchema: true, promptTokens: 100, completionTokens: 10 });
    const err = await client.extract({ text: 'x', schema: SCHEMA }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BrokenAnswerError);
    const e = err as BrokenAnswerError;
    expect(e.message).toBe(
      "the model's answer does not match the schema: vendor is a number where string is required; total is missing",
    );
    expect(e.retryable).toBe(false);
    expect(e.attempts).toBe(3);
    expect(fake.stats.requests).toBe(3);
    // Every answer was paid for.
    expect(e.usage).toEqual({ prompt: 300, completion: 30, total: 330 });
    expect(e.costUsd).toBeCloseTo(330 / 1e6, 12);
  });

  test('invalid JSON is a broken answer too', async () => {
    const { fake, client } = await start({}, { maxAttempts: 2 });
    fake.fallback({ content: '{"vendor": "ACME", total' });
    const err = await client.extract({ text: 'x', schema: SCHEMA }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BrokenAnswerError);
    expect((err as BrokenAnswerError).message).toMatch(/^the model's answer is not valid JSON/);
    expect(fake.stats.requests).toBe(2);
  });

  test('a 429 storm: everything succeeds, few 429s', async () => {
    const { fake, client } = await start({ requestsPerMinute: 600, tokensPerMinute: 10_000_000, latencyMs: 0 });
    // Another tenant of the key empties the requests bucket first.
    const other = new OpenAI({ baseURL: fake.baseURL, apiKey: fake.apiKey, maxRetries: 0 });
    const drain = async (): Promise<void> => {
      while (fake.stats.rateLimited === 0) {
        await other.chat.completions
          .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
          .catch(() => undefined);
      }
    };
    await Promise.all(Array.from({ length: 20 }, drain));
    const before = fake.stats;
    fake.fallback({ content: { vendor: 'V', total: 1 } });
    const n = 30;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        client.extract({ images: [{ mime: 'image/png', bytes: png(`storm-${i}`) }], schema: SCHEMA }),
      ),
    );
    const after = fake.stats;
    expect(results.every((r) => (r.data as { vendor: string }).vendor === 'V')).toBe(true);
    expect(after.completed - before.completed).toBe(n);
    const limited = after.rateLimited - before.rateLimited;
    // The first wave (up to the concurrency of 8) meets the empty bucket; then the pause and the learned level pace the rest.
    expect(limited).toBeGreaterThan(0);
    expect(limited).toBeLessThanOrEqual(12);
    expect(client.totals.rateLimited).toBe(limited);
  });

  test('limits enforced per second (as OpenAI quantizes them): an even pace uses the whole limit with no 429', async () => {
    // 1200/min = 20 a second; a concurrency that would let a minute's worth out at once.
    const { fake, client } = await start(
      { requestsPerMinute: 1200, tokensPerMinute: 10_000_000, windowMs: 1000 },
      { requestsPerMinute: 1200, concurrency: 64 },
    );
    fake.fallback({ content: { vendor: 'V', total: 1 } });
    const n = 60;
    const done: number[] = [];
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        client
          .extract({ images: [{ mime: 'image/png', bytes: png(`even-${i}`) }], schema: SCHEMA })
          .then(() => done.push(Date.now())),
      ),
    );
    expect(fake.stats.rateLimited).toBe(0);
    expect(fake.stats.completed).toBe(n);
    const first = Math.min(...fake.requests.map((r) => r.at));
    const minutes = (Math.max(...done) - first) / 60_000;
    expect(n / minutes / 1200).toBeGreaterThanOrEqual(0.9);
  });

  test('learns the token limit from the headers: the configured one is only where it starts', async () => {
    // Configured 20,000 tokens/min (about 11 requests/min of ~1,800 tokens); the server says 2,000,000.
    const { fake, client } = await start(
      { requestsPerMinute: 6000, tokensPerMinute: 2_000_000 },
      { tokensPerMinute: 20_000, concurrency: 16 },
    );
    fake.fallback({ content: { vendor: 'V', total: 1 } });
    await client.extract({ images: [{ mime: 'image/png', bytes: png('first') }], schema: SCHEMA });
    expect(client.throttle.tokens.limit).toBe(2_000_000);
    expect(client.throttle.requests.limit).toBe(6000);
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        client.extract({ images: [{ mime: 'image/png', bytes: png(`learned-${i}`) }], schema: SCHEMA }),
      ),
    );
    // At 20,000 tokens/min these would take minutes; at 2,000,000 about 1.6 s.
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(fake.stats.rateLimited).toBe(0);
  });

  test('5xx twice then ok: 3 attempts; 529 too', async () => {
    const { fake, client } = await start();
    fake.fallback({ content: { vendor: 'V', total: 2 } });
    fake.mode({ status: 503, times: 2 });
    const r = await client.extract({ text: 'invoice text', schema: SCHEMA });
    expect(r.attempts).toBe(3);
    expect(r.data).toEqual({ vendor: 'V', total: 2 });
    fake.mode({ status: 529, times: 1 });
    expect((await client.extract({ text: 'invoice text', schema: SCHEMA })).attempts).toBe(2);
  });

  test('OpenAI failing for everyone: invoices wait and cost at most 2 calls each, none fails', async () => {
    const { fake, client } = await start({ tokensPerMinute: 10_000_000 }, { backoff: { minMs: 20, maxMs: 100 } });
    fake.fallback({ content: { vendor: 'V', total: 5 } });
    fake.mode({ status: 500 });
    const n = 24;
    const results = Promise.allSettled(
      Array.from({ length: n }, (_, i) => client.extract({ text: `outage ${i}`, schema: SCHEMA })),
    );
    // The first wave (the concurrency of 8) fails, then only probes go.
    await eventually(() => fake.stats.errors >= 12, 'probes during the outage');
    expect(client.throttle.outageMs).not.toBeNull();
    fake.mode('normal');
    const settled = await results;
    expect(settled.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(fake.stats.completed).toBe(n);
    expect(fake.stats.requests / n).toBeLessThanOrEqual(2);
    expect(client.throttle.outageMs).toBeNull();
  });

  test('gives up after 6 attempts with a retryable error', async () => {
    const { fake, client } = await start();
    fake.mode({ status: 500 });
    const err = await client.extract({ text: 'x', schema: SCHEMA }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderOutageError); // a retryable OpenAIRequestError the job turns into a wait
    expect((err as OpenAIRequestError).retryable).toBe(true);
    expect((err as OpenAIRequestError).attempts).toBe(6);
    expect(fake.stats.requests).toBe(6);
  });

  test('insufficient_quota: QuotaExhaustedError, fail fast, one alert, resume() restores', async () => {
    const alerts: string[] = [];
    const { fake, client } = await start({}, { onQuotaExhausted: (m) => alerts.push(m) });
    fake.fallback({ content: { vendor: 'V', total: 3 } });
    fake.mode('insufficient_quota');
    const first = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => client.extract({ text: `q${i}`, schema: SCHEMA })),
    );
    expect(first.every((r) => r.status === 'rejected' && r.reason instanceof QuotaExhaustedError)).toBe(true);
    const sent = fake.stats.requests;
    expect(sent).toBeLessThanOrEqual(5); // not retried
    await expect(client.extract({ text: 'later', schema: SCHEMA })).rejects.toBeInstanceOf(QuotaExhaustedError);
    expect(fake.stats.requests).toBe(sent); // failed fast, nothing sent
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatch(/quota/i);
    expect(client.quotaExhausted).toBe(true);

    fake.mode('normal');
    client.resume();
    expect((await client.extract({ text: 'again', schema: SCHEMA })).data).toEqual({ vendor: 'V', total: 3 });
    fake.mode('insufficient_quota');
    await expect(client.extract({ text: 'x', schema: SCHEMA })).rejects.toBeInstanceOf(QuotaExhaustedError);
    expect(alerts).toHaveLength(2); // a new exhaustion alerts again
  });

  test('a timeout is retried', async () => {
    const { fake, client } = await start({}, { timeoutMs: 300 });
    fake.fallback({ content: { vendor: 'T', total: 4 } });
    fake.mode({ timeoutTimes: 1 });
    const r = await client.extract({ text: 'slow', schema: SCHEMA });
    expect(r.attempts).toBe(2);
    expect(r.data).toEqual({ vendor: 'T', total: 4 });
  });

  test('a 404 (a base URL without /v1) says where the requests went and which setting to check', async () => {
    const { fake } = await start();
    const bare = new OpenAIClient({
      apiKey: fake.apiKey,
      baseURL: fake.baseURL.replace(/\/v1$/, ''),
      requestsPerMinute: 60,
      tokensPerMinute: 1e6,
      concurrency: 1,
      timeoutMs: 5000,
      log: silent,
    });
    const err = await bare.extract({ text: 'x', schema: SCHEMA }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAIRequestError);
    expect((err as Error).message).toMatch(/\(404\): Invalid URL \(POST \/chat\/completions\)/);
    expect((err as Error).message).toContain(
      `requests go to ${fake.baseURL.replace(/\/v1$/, '')}/chat/completions: check invoices.openai.base_url, which usually ends in /v1`,
    );
    expect(bare.totals.requests).toBe(1); // not retried
  });

  test('a wrong key: non-retryable, the key is not in the message', async () => {
    const key = 'sk-proj-wrongKEY0123456789abcdefXYZW';
    const { fake, client } = await start({}, { apiKey: key });
    const err = await client.extract({ text: 'x', schema: SCHEMA }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAIRequestError);
    const e = err as OpenAIRequestError;
    expect(e.retryable).toBe(false);
    expect(e.status).toBe(401);
    expect(e.message).toMatch(/Incorrect API key/);
    expect(e.message).not.toContain(key);
    expect(e.message).not.toContain('XYZW');
    expect(fake.stats.requests).toBe(1);
  });

  test('an aborted signal stops the request and is not retried', async () => {
    const { fake, client } = await start({ latencyMs: 2000 });
    const controller = new AbortController();
    const p = client.extract({ text: 'x', schema: SCHEMA }, controller.signal);
    const failed = expect(p).rejects.toThrow('cancelled');
    // Abort once the request is at the server (a fixed 50 ms could come before it on a loaded machine).
    await eventually(() => fake.stats.requests === 1, 'the request at the fake', 10_000);
    controller.abort(new Error('cancelled'));
    await failed;
    expect(fake.stats.requests).toBe(1);
  });
});
