// The fake OpenAI (test/fakes/openai), driven by the official SDK over loopback HTTP.
import OpenAI, {
  APIConnectionTimeoutError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  RateLimitError,
} from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { afterEach, describe, expect, test } from 'vitest';
import { formatDuration, sha256Hex, startFakeOpenAI } from './openai/index.ts';
import type { FakeOpenAI, FakeOpenAIOptions } from './openai/index.ts';
import { rejection } from '../support/rejection.ts';

const fakes: FakeOpenAI[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

async function start(options?: FakeOpenAIOptions): Promise<{ fake: FakeOpenAI; client: OpenAI }> {
  const fake = await startFakeOpenAI(options);
  fakes.push(fake);
  return { fake, client: new OpenAI({ baseURL: fake.baseURL, apiKey: fake.apiKey, maxRetries: 0 }) };
}

/** A "PNG": the signature, then bytes that make it unique. */
function png(seed: string): Buffer {
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(seed)]);
}

const schema = {
  type: 'json_schema',
  json_schema: {
    name: 'invoice',
    strict: true,
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['vendor', 'total'],
      properties: { vendor: { type: 'string' }, total: { type: 'number' } },
    },
  },
} as const;

const SYSTEM = 'You extract invoice fields.';

function textRequest(
  text: string,
  extra: Partial<ChatCompletionCreateParamsNonStreaming> = {},
): ChatCompletionCreateParamsNonStreaming {
  return {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: text },
    ],
    response_format: schema,
    ...extra,
  };
}

function imageRequest(
  image: Buffer,
  extra: Partial<ChatCompletionCreateParamsNonStreaming> = {},
): ChatCompletionCreateParamsNonStreaming {
  return {
    model: 'gpt-4o',
    messages: [
      { role: 'system', content: SYSTEM },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Extract the invoice.' },
          {
            type: 'image_url',
            image_url: { url: `data:image/png;base64,${image.toString('base64')}`, detail: 'high' },
          },
        ],
      },
    ],
    response_format: schema,
    ...extra,
  };
}

describe('answers', () => {
  test('a text request and an image request are answered from their scenarios, with usage', async () => {
    const { fake, client } = await start();
    const image = png('invoice-1');
    fake.scenario(sha256Hex(image), {
      content: { vendor: 'ACME', total: 12.5 },
      promptTokens: 900,
      completionTokens: 12,
    });
    fake.scenario(sha256Hex('Invoice from Globex, total 99'), { content: { vendor: 'Globex', total: 99 } });

    const img = await client.chat.completions.create(imageRequest(image));
    expect(JSON.parse(img.choices[0]?.message.content ?? '')).toEqual({ vendor: 'ACME', total: 12.5 });
    expect(img.choices[0]?.finish_reason).toBe('stop');
    expect(img.object).toBe('chat.completion');
    expect(img.model).toBe('gpt-4o');
    expect(img.usage).toMatchObject({ prompt_tokens: 900, completion_tokens: 12, total_tokens: 912 });

    // Keyed by one text part: the system prompt does not matter.
    const txt = await client.chat.completions.create(textRequest('Invoice from Globex, total 99'));
    const content = txt.choices[0]?.message.content ?? '';
    expect(JSON.parse(content)).toEqual({ vendor: 'Globex', total: 99 });
    // The estimate: 3 (priming) + 2 × 3 (messages) + ceil(chars / 4) per text.
    const estimate = 3 + 6 + Math.ceil(SYSTEM.length / 4) + Math.ceil('Invoice from Globex, total 99'.length / 4);
    expect(txt.usage).toMatchObject({ prompt_tokens: estimate, completion_tokens: Math.ceil(content.length / 4) });
    expect(txt.usage?.total_tokens).toBe(estimate + Math.ceil(content.length / 4));

    expect(fake.stats).toEqual({
      requests: 2,
      completed: 2,
      rateLimited: 0,
      errors: 0,
      tokens: 912 + (txt.usage?.total_tokens ?? 0),
    });
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[0]).toMatchObject({
      model: 'gpt-4o',
      imageHashes: [sha256Hex(image)],
      status: 200,
      responseFormat: schema,
    });
    expect(fake.requests[0]?.textHash).toBe(sha256Hex(SYSTEM + 'Extract the invoice.'));
    // An image at detail 'high' costs 765 at admission.
    expect(fake.requests[0]?.chargedTokens).toBe(
      3 + 6 + Math.ceil(SYSTEM.length / 4) + Math.ceil('Extract the invoice.'.length / 4) + 765,
    );
    expect(fake.requests[1]).toMatchObject({
      model: 'gpt-4o-mini',
      imageHashes: [],
      textHash: sha256Hex(SYSTEM + 'Invoice from Globex, total 99'),
    });
  });

  test('the whole-text hash matches too; unmatched requests get the fallback (default {})', async () => {
    const { fake, client } = await start();
    const a = await client.chat.completions.create(
      textRequest('nothing known', { response_format: { type: 'json_object' } }),
    );
    expect(a.choices[0]?.message.content).toBe('{}');
    fake.scenario(sha256Hex(SYSTEM + 'two parts'), { content: 'not json at all' });
    const b = await client.chat.completions.create(textRequest('two parts'));
    expect(b.choices[0]?.message.content).toBe('not json at all');
  });

  test('strict schemas: answers fit them as the model would; a schema-breaking answer only on demand', async () => {
    const { fake, client } = await start();
    const nullable = {
      type: 'json_schema',
      json_schema: {
        name: 'invoice',
        strict: true,
        schema: {
          type: 'object',
          additionalProperties: false,
          required: ['vendor', 'total'],
          properties: { vendor: { type: ['string', 'null'] }, total: { type: 'number' } },
        },
      },
    } as const;
    // A property the scenario leaves out is answered null when the schema allows it.
    fake.fallback({ content: { total: 3 } });
    const filled = await client.chat.completions.create(textRequest('left out', { response_format: nullable }));
    expect(JSON.parse(filled.choices[0]?.message.content ?? '')).toEqual({ vendor: null, total: 3 });
    // One that cannot fit (a required number missing) is the test's mistake: 500 saying why.
    fake.fallback({ content: { vendor: 'Unknown' } });
    const err = await rejection(client.chat.completions.create(textRequest('still nothing')));
    expect(err).toBeInstanceOf(InternalServerError);
    expect((err as Error).message).toMatch(/total is missing.*breaksSchema/);
    // On demand: sent as it is, breaking the schema (a number where a string is required, a field missing).
    fake.fallback({ content: { vendor: 42 }, breaksSchema: true });
    const broken = await client.chat.completions.create(textRequest('broken'));
    expect(JSON.parse(broken.choices[0]?.message.content ?? '')).toEqual({ vendor: 42 });
    // A strict schema OpenAI cannot enforce is refused up front, as OpenAI does.
    const open = {
      type: 'json_schema',
      json_schema: {
        name: 'invoice',
        strict: true,
        schema: { type: 'object', required: ['a'], properties: { a: { type: 'string' } } },
      },
    } as const;
    const refused = await rejection(client.chat.completions.create(textRequest('x', { response_format: open })));
    expect(refused).toBeInstanceOf(BadRequestError);
    expect((refused as Error).message).toMatch(/'additionalProperties' is required to be supplied and to be false/);
    const notRequired = {
      ...open,
      json_schema: {
        ...open.json_schema,
        schema: { ...open.json_schema.schema, additionalProperties: false, required: [] },
      },
    };
    const refused2 = await rejection(
      client.chat.completions.create(textRequest('x', { response_format: notRequired })),
    );
    expect((refused2 as Error).message).toMatch(/Missing 'a'/);
  });

  test('max_tokens too small: cut short with finish_reason length', async () => {
    const { fake, client } = await start();
    fake.fallback({
      content: { vendor: 'A very long vendor name indeed, Sociedad Anónima de Capital Variable', total: 1 },
    });
    const r = await client.chat.completions.create(textRequest('x', { max_completion_tokens: 5 }));
    expect(r.choices[0]?.finish_reason).toBe('length');
    expect(r.choices[0]?.message.content).toHaveLength(20);
    expect(r.usage?.completion_tokens).toBe(5);
  });

  test('latency is reported in openai-processing-ms', async () => {
    const { client } = await start({ latencyMs: 50 });
    const { response } = await client.chat.completions.create(textRequest('slow')).withResponse();
    expect(response.headers.get('openai-processing-ms')).toBe('50');
  });
});

describe('rate limits', () => {
  test('every answer carries the six headers; remaining decreases', async () => {
    const { fake, client } = await start({ requestsPerMinute: 60, tokensPerMinute: 100_000 });
    const first = await client.chat.completions.create(textRequest('one')).withResponse();
    const second = await client.chat.completions.create(textRequest('two', { max_tokens: 5000 })).withResponse(); // more than seconds of refill
    const h1 = first.response.headers;
    const h2 = second.response.headers;
    expect(h1.get('x-ratelimit-limit-requests')).toBe('60');
    expect(h1.get('x-ratelimit-limit-tokens')).toBe('100000');
    expect(h1.get('x-ratelimit-remaining-requests')).toBe('59');
    expect(h2.get('x-ratelimit-remaining-requests')).toBe('58');
    const charged = fake.requests[0]?.chargedTokens ?? 0;
    expect(Number(h1.get('x-ratelimit-remaining-tokens'))).toBe(100_000 - charged);
    expect(Number(h2.get('x-ratelimit-remaining-tokens'))).toBeLessThan(Number(h1.get('x-ratelimit-remaining-tokens')));
    // Reset: time to refill to full; one request at 60/min is (about) a second.
    expect(h1.get('x-ratelimit-reset-requests')).toMatch(/^(\d{3}ms|1s)$/);
    expect(h2.get('x-ratelimit-reset-requests')).toMatch(/^(1\.\d+s|2s)$/);
    expect(h1.get('x-ratelimit-reset-tokens')).toMatch(/^\d+ms$/);
    expect(h1.get('x-request-id')).toMatch(/^req_/);
  });

  test('requests/min 60: 60 immediate requests pass, the 61st gets 429 with retry-after', async () => {
    // The limits' clock stands still: "immediate" does not depend on how fast a loaded machine sends 61 requests
    // (at 60/min a second's delay refills one more).
    let now = 1_000_000;
    const { fake, client } = await start({ requestsPerMinute: 60, now: () => now });
    const results = await Promise.allSettled(
      Array.from({ length: 61 }, (_, i) => client.chat.completions.create(textRequest(`r${i}`))),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(ok).toHaveLength(60);
    expect(failed).toHaveLength(1);
    const err = failed[0];
    expect(err).toBeInstanceOf(RateLimitError);
    if (!(err instanceof RateLimitError)) return;
    expect(err.status).toBe(429);
    expect(err.code).toBe('rate_limit_exceeded');
    expect(err.type).toBe('requests');
    expect(err.message).toMatch(/on requests per min \(RPM\): Limit 60/);
    expect(Number(err.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const ms = Number(err.headers?.get('retry-after-ms'));
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThanOrEqual(1000);
    expect(err.headers?.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(err.headers?.get('x-ratelimit-limit-requests')).toBe('60');
    expect(fake.stats).toMatchObject({ requests: 61, completed: 60, rateLimited: 1, errors: 0 });

    // Waiting exactly retry-after-ms is enough, and a moment less is not.
    now += ms - 1;
    await expect(client.chat.completions.create(textRequest('too early'))).rejects.toBeInstanceOf(RateLimitError);
    now += 1;
    await expect(client.chat.completions.create(textRequest('after the wait'))).resolves.toBeDefined();
  });

  test('the SDK, allowed to retry, gets all through by obeying retry-after-ms', async () => {
    const { fake } = await start({ requestsPerMinute: 60 });
    const client = new OpenAI({ baseURL: fake.baseURL, apiKey: fake.apiKey, maxRetries: 3 });
    const results = await Promise.all(
      Array.from({ length: 62 }, (_, i) => client.chat.completions.create(textRequest(`r${i}`))),
    );
    expect(results).toHaveLength(62);
    expect(fake.stats.completed).toBe(62);
    expect(fake.stats.rateLimited).toBeGreaterThanOrEqual(2);
  });

  test('tokens/min exceeded: 429 type tokens, counting max_tokens at admission', async () => {
    const { fake, client } = await start({ tokensPerMinute: 1000 });
    await client.chat.completions.create(textRequest('first', { max_tokens: 600 }));
    expect(fake.requests[0]?.chargedTokens).toBeGreaterThan(600);
    const err = await rejection(client.chat.completions.create(textRequest('second', { max_tokens: 600 })));
    expect(err).toBeInstanceOf(RateLimitError);
    if (!(err instanceof RateLimitError)) return;
    expect(err.type).toBe('tokens');
    expect(err.code).toBe('rate_limit_exceeded');
    expect(err.message).toMatch(/on tokens per min \(TPM\): Limit 1000/);
    // About 2 tokens short of 200 at 1000/60 per second: some 12 s.
    const retryAfter = Number(err.headers?.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(10);
    expect(retryAfter).toBeLessThanOrEqual(15);
    expect(Math.ceil(Number(err.headers?.get('retry-after-ms')) / 1000)).toBe(retryAfter);

    // More than the whole budget can never fit: 429 without retry-after.
    const huge = await rejection(client.chat.completions.create(textRequest('huge', { max_tokens: 5000 })));
    expect(huge).toBeInstanceOf(RateLimitError);
    if (!(huge instanceof RateLimitError)) return;
    expect(huge.type).toBe('tokens');
    expect(huge.message).toMatch(/Request too large/);
    expect(huge.headers?.get('retry-after')).toBeNull();
  });

  test('windowMs 1000: the per-minute limit is enforced per second, though the headers show the minute', async () => {
    const { fake, client } = await start({ requestsPerMinute: 600, windowMs: 1000 });
    // 10 a second (and one more per 100 ms the arrivals took): 30 at once are mostly refused, with plenty left in the minute.
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => client.chat.completions.create(textRequest(`w${i}`))),
    );
    const arrivals = fake.requests.map((r) => r.at);
    const spreadMs = Math.max(...arrivals) - Math.min(...arrivals);
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    expect(ok).toBeGreaterThanOrEqual(10);
    expect(ok).toBeLessThanOrEqual(10 + Math.ceil(spreadMs / 100) + 1);
    const err = results.find((r) => r.status === 'rejected')?.reason as unknown;
    expect(err).toBeInstanceOf(RateLimitError);
    if (!(err instanceof RateLimitError)) return;
    expect(err.code).toBe('rate_limit_exceeded');
    expect(err.message).toMatch(/on requests per min \(RPM\): Limit 600, Used \d+, Requested 1/);
    expect(Number(err.headers?.get('x-ratelimit-remaining-requests'))).toBeGreaterThanOrEqual(600 - ok - 1);
    const wait = Number(err.headers?.get('retry-after-ms'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(100); // one request refills in 100 ms
    // Waiting what a 429 says is enough (the requests admitted after that one above took the refill: ask afresh).
    const ask = (text: string): Promise<unknown> =>
      client.chat.completions.create(textRequest(text)).catch((e: unknown) => e);
    let after = await ask('after');
    if (after instanceof RateLimitError) {
      const ms = Number(after.headers?.get('retry-after-ms'));
      await new Promise((r) => setTimeout(r, ms));
      after = await ask('after the wait');
    }
    expect(after).not.toBeInstanceOf(Error);
  });

  test('windowMs: a request of more tokens than a window holds fits a full window, then the window is in debt', async () => {
    const { client } = await start({ tokensPerMinute: 6000, windowMs: 1000 }); // 100 tokens a second
    await client.chat.completions.create(textRequest('big', { max_tokens: 1000 }));
    const err = await rejection(client.chat.completions.create(textRequest('next', { max_tokens: 10 })));
    expect(err).toBeInstanceOf(RateLimitError);
    if (!(err instanceof RateLimitError)) return;
    expect(err.type).toBe('tokens');
    expect(Number(err.headers?.get('retry-after-ms'))).toBeGreaterThan(2000); // ~900 tokens of debt at 100/s: ~9 s
  });

  test('setLimits takes effect at once; what was used stays used', async () => {
    const { fake, client } = await start({ requestsPerMinute: 2 });
    await client.chat.completions.create(textRequest('a'));
    await client.chat.completions.create(textRequest('b'));
    await expect(client.chat.completions.create(textRequest('c'))).rejects.toBeInstanceOf(RateLimitError);
    fake.setLimits({ requestsPerMinute: 60 });
    const { response } = await client.chat.completions.create(textRequest('d')).withResponse();
    expect(response.headers.get('x-ratelimit-limit-requests')).toBe('60');
    expect(response.headers.get('x-ratelimit-remaining-requests')).toMatch(/^5[78]$/);
    // About 3 used (less what refilled at 1/s since): a limit of 2 leaves nothing, even after a second of lag.
    fake.setLimits({ requestsPerMinute: 2 });
    await expect(client.chat.completions.create(textRequest('e'))).rejects.toBeInstanceOf(RateLimitError);
  });
});

describe('modes and errors', () => {
  test('insufficient_quota: 429 with code insufficient_quota until normal', async () => {
    const { fake, client } = await start();
    fake.mode('insufficient_quota');
    const err = await rejection(client.chat.completions.create(textRequest('x')));
    expect(err).toBeInstanceOf(RateLimitError);
    if (!(err instanceof RateLimitError)) return;
    expect(err.status).toBe(429);
    expect(err.code).toBe('insufficient_quota');
    expect(err.type).toBe('insufficient_quota');
    expect(err.headers?.get('retry-after')).toBeNull();
    await expect(client.chat.completions.create(textRequest('y'))).rejects.toBeInstanceOf(RateLimitError);
    fake.mode('normal');
    await expect(client.chat.completions.create(textRequest('z'))).resolves.toBeDefined();
    expect(fake.stats).toMatchObject({ requests: 3, completed: 1, rateLimited: 0, errors: 2 });
  });

  test('5xx for N times, then normal', async () => {
    const { fake, client } = await start();
    fake.mode({ status: 503, times: 2 });
    for (let i = 0; i < 2; i++) {
      const err = await rejection(client.chat.completions.create(textRequest('x')));
      expect(err).toBeInstanceOf(InternalServerError);
      if (err instanceof InternalServerError) {
        expect(err.status).toBe(503);
        expect(err.type).toBe('server_error');
      }
    }
    await expect(client.chat.completions.create(textRequest('x'))).resolves.toBeDefined();
    fake.mode({ status: 500, times: 1 });
    const err500 = await rejection(client.chat.completions.create(textRequest('x')));
    expect(err500).toBeInstanceOf(InternalServerError);
    if (err500 instanceof InternalServerError) expect(err500.message).toMatch(/The server had an error/);
    fake.mode({ status: 529 });
    const err529 = await rejection(client.chat.completions.create(textRequest('x')));
    if (!(err529 instanceof InternalServerError)) throw new Error('expected InternalServerError');
    expect(err529.status).toBe(529);
    expect(err529.message).toMatch(/overloaded/);
    expect(fake.requests.map((r) => r.status)).toEqual([503, 503, 200, 500, 529]);
    // Faults come before admission: they use no rate limit.
    expect(fake.stats).toMatchObject({ completed: 1, errors: 4 });
  });

  test('wrong key: 401 invalid_api_key', async () => {
    const { fake } = await start();
    const client = new OpenAI({ baseURL: fake.baseURL, apiKey: 'sk-wrong-key-123456', maxRetries: 0 });
    const err = await rejection(client.chat.completions.create(textRequest('x')));
    expect(err).toBeInstanceOf(AuthenticationError);
    if (!(err instanceof AuthenticationError)) return;
    expect(err.status).toBe(401);
    expect(err.code).toBe('invalid_api_key');
    expect(fake.requests[0]).toMatchObject({ status: 401 });
  });

  test('timeout mode holds the request until the client gives up; then normal', async () => {
    const { fake, client } = await start();
    fake.mode({ timeoutTimes: 1 });
    const err = await rejection(client.chat.completions.create(textRequest('x'), { timeout: 500 }));
    expect(err).toBeInstanceOf(APIConnectionTimeoutError);
    await expect(client.chat.completions.create(textRequest('x'), { timeout: 2000 })).resolves.toBeDefined();
    expect(fake.requests.map((r) => r.status)).toEqual([0, 200]);
  });

  test('close() ends held and delayed requests', async () => {
    const { fake, client } = await start({ latencyMs: 10_000 });
    const pending = rejection(client.chat.completions.create(textRequest('x')));
    while (fake.stats.requests === 0) await new Promise((r) => setTimeout(r, 5));
    await fake.close();
    expect(await pending).toBeInstanceOf(Error);
  });

  test('bad bodies get 400 invalid_request_error', async () => {
    const { fake, client } = await start();
    const notImage = Buffer.from('%PDF-1.7 not an image');
    const err = await rejection(client.chat.completions.create(imageRequest(notImage)));
    expect(err).toBeInstanceOf(BadRequestError);
    if (err instanceof BadRequestError) expect(err.code).toBe('invalid_image_format');

    const post = (body: unknown): Promise<Response> =>
      fetch(`${fake.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${fake.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const noModel = await post({ messages: [{ role: 'user', content: 'x' }] });
    expect(noModel.status).toBe(400);
    expect(await noModel.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'model' } });
    const noMessages = await post({ model: 'gpt-4o' });
    expect(await noMessages.json()).toMatchObject({ error: { code: 'missing_required_parameter', param: 'messages' } });
    const badPart = await post({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: [{ type: 'video', video: 'x' }] }],
    });
    expect(await badPart.json()).toMatchObject({
      error: { code: 'invalid_value', param: 'messages[0].content[0].type' },
    });
    const noName = await post({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'x' }],
      response_format: { type: 'json_schema', json_schema: { schema: {} } },
    });
    expect(await noName.json()).toMatchObject({ error: { param: 'response_format.json_schema.name' } });
    const notFound = await fetch(`${fake.baseURL}/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.apiKey}` },
    });
    expect(notFound.status).toBe(404);
    expect(fake.stats).toMatchObject({ requests: 5, completed: 0, errors: 5 });
  });
});

test('formatDuration writes durations as OpenAI does', () => {
  expect(formatDuration(0)).toBe('0s');
  expect(formatDuration(19.2)).toBe('20ms');
  expect(formatDuration(1000)).toBe('1s');
  expect(formatDuration(8640)).toBe('8.64s');
  expect(formatDuration(360_000)).toBe('6m0s');
  expect(formatDuration(252_172)).toBe('4m12.172s');
  expect(formatDuration(3_723_500)).toBe('1h2m3.5s');
});
