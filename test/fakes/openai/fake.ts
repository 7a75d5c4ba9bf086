// The fake OpenAI: a loopback HTTP server answering POST /v1/chat/completions from a scenario map, behind
// OpenAI-style request and token rate limits, with switchable failure modes.
//
// Deliberate differences from the real API (see also README.md next to this file):
// - A scenario marked `breaksSchema` is answered as it is even under a strict json_schema (the real API never
//   does; a compatible server may): the pipeline must validate what it gets, and tests can check that it does.
// - Rate limits are charged only at admission (prompt estimate + max_tokens); no later correction to actual usage,
//   and rejected requests (429) do not count against the limits.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Bucket, formatDuration } from './bucket.ts';
import { OpenAIError, insufficientQuota, invalidApiKey, invalidRequest, notFound, serverError } from './errors.ts';
import { parseRequest } from './request.ts';
import type { ParsedRequest } from './request.ts';
import { fitToSchema, leastFit } from './schema.ts';
import type {
  FakeOpenAI,
  FakeOpenAIMode,
  FakeOpenAIOptions,
  FakeOpenAIStats,
  RecordedRequest,
  Scenario,
} from './types.ts';

export const DEFAULT_API_KEY = 'sk-test-fake';
/** Models GET /v1/models lists (and /v1/models/{id} finds). */
export const FAKE_MODELS = ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini'];
export const DEFAULT_RPM = 500;
export const DEFAULT_TPM = 200_000;
/** OpenAI takes up to ~20 MB per image and a few per request; the fake refuses bodies over this. */
const MAX_BODY = 64 * 1024 * 1024;
const ORG = 'org-fake';

function checkLimit(name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isFinite(v) && v > 0))
    throw new Error(`fake OpenAI: ${name} must be a positive number, got ${v}`);
}

export class Fake implements FakeOpenAI {
  readonly apiKey: string;
  private readonly server: Server;
  private port = 0;
  private readonly sockets = new Set<Socket>();
  private readonly held = new Set<ServerResponse>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly scenarios = new Map<string, Scenario>();
  /** Unset: `{}`, or under a strict schema the least answer that fits it. */
  private fallbackAnswer: Scenario | undefined;
  private currentMode: FakeOpenAIMode = 'normal';
  /** How many more requests the current 5xx or timeout mode applies to. */
  private modeLeft = Infinity;
  private readonly rpm: Bucket;
  private readonly tpm: Bucket;
  /** The same limits over a short window (options.windowMs), not shown in the headers; empty when not set. */
  private readonly windows: { rpm: Bucket; tpm: Bucket } | null;
  private readonly latency: { min: number; max: number };
  private readonly counts: FakeOpenAIStats = { requests: 0, completed: 0, rateLimited: 0, errors: 0, tokens: 0 };
  readonly requests: RecordedRequest[] = [];
  private closed = false;

  constructor(options: FakeOpenAIOptions = {}) {
    checkLimit('requestsPerMinute', options.requestsPerMinute);
    checkLimit('tokensPerMinute', options.tokensPerMinute);
    this.apiKey = options.apiKey ?? DEFAULT_API_KEY;
    const now = options.now ?? ((): number => performance.now());
    this.rpm = new Bucket(options.requestsPerMinute ?? DEFAULT_RPM, now);
    this.tpm = new Bucket(options.tokensPerMinute ?? DEFAULT_TPM, now);
    checkLimit('windowMs', options.windowMs);
    const w = options.windowMs;
    this.windows =
      w === undefined ? null : { rpm: new Bucket(this.rpm.limit, now, w), tpm: new Bucket(this.tpm.limit, now, w) };
    const l = options.latencyMs ?? 0;
    this.latency = typeof l === 'number' ? { min: l, max: l } : { min: l.min, max: Math.max(l.min, l.max) };
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (err instanceof OpenAIError) this.send(res, err.status, err.body(), err.headers);
        else res.destroy();
      });
    });
    this.server.keepAliveTimeout = 65_000;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get baseURL(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  get stats(): FakeOpenAIStats {
    return { ...this.counts };
  }

  scenario(key: string, answer: Scenario): void {
    this.scenarios.set(key.toLowerCase(), answer);
  }

  fallback(answer: Scenario): void {
    this.fallbackAnswer = answer;
  }

  mode(m: FakeOpenAIMode): void {
    this.currentMode = m;
    this.modeLeft = typeof m === 'object' ? ('timeoutTimes' in m ? m.timeoutTimes : (m.times ?? Infinity)) : Infinity;
    if (this.modeLeft <= 0) this.currentMode = 'normal';
  }

  setLimits(l: { requestsPerMinute?: number; tokensPerMinute?: number }): void {
    checkLimit('requestsPerMinute', l.requestsPerMinute);
    checkLimit('tokensPerMinute', l.tokensPerMinute);
    if (l.requestsPerMinute !== undefined)
      for (const b of [this.rpm, this.windows?.rpm]) b?.setLimit(l.requestsPerMinute);
    if (l.tokensPerMinute !== undefined) for (const b of [this.tpm, this.windows?.tpm]) b?.setLimit(l.tokensPerMinute);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const res of this.held) res.destroy();
    this.held.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  // --- the request path ---

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (res.destroyed || res.headersSent) return;
    const text = JSON.stringify(body);
    res.writeHead(status, {
      ...headers,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(text)),
      'x-request-id': `req_${randomBytes(16).toString('hex')}`,
      'openai-organization': ORG,
      'openai-version': '2020-10-01',
    });
    res.end(text);
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private hold(res: ServerResponse): void {
    this.held.add(res);
    res.on('close', () => this.held.delete(res));
  }

  private readBody(req: IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) {
          reject(new OpenAIError(413, `Request body too large: over ${MAX_BODY} bytes.`, 'invalid_request_error'));
          req.resume();
          return;
        }
        chunks.push(c);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });
  }

  private rateHeaders(): Record<string, string> {
    return {
      'x-ratelimit-limit-requests': String(this.rpm.limit),
      'x-ratelimit-limit-tokens': String(this.tpm.limit),
      'x-ratelimit-remaining-requests': String(this.rpm.remaining()),
      'x-ratelimit-remaining-tokens': String(this.tpm.remaining()),
      'x-ratelimit-reset-requests': formatDuration(this.rpm.resetMs()),
      'x-ratelimit-reset-tokens': formatDuration(this.tpm.resetMs()),
    };
  }

  private record(
    at: number,
    p: ParsedRequest | undefined,
    status: number,
    chargedTokens?: number,
    rateLimited = false,
  ): void {
    const r: RecordedRequest = {
      at,
      model: p?.model ?? '',
      imageHashes: p?.imageHashes ?? [],
      textHash: p?.textHash ?? '',
      status,
    };
    if (p?.responseFormat !== undefined) r.responseFormat = p.responseFormat;
    if (chargedTokens !== undefined) r.chargedTokens = chargedTokens;
    this.requests.push(r);
    if (status === 200) this.counts.completed++;
    else if (rateLimited) this.counts.rateLimited++;
    else this.counts.errors++;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const path = new URL(req.url ?? '/', 'http://fake').pathname.replace(/\/+$/, '');
    const isChat = path === '/v1/chat/completions';
    const auth = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim() ?? '';
    // GET /v1/models and /v1/models/{id} (models.list, models.retrieve): what a key check calls, cheaply.
    const model = /^\/v1\/models(?:\/([^/]+))?$/.exec(path);
    if (model && req.method === 'GET') {
      req.resume();
      if (auth !== this.apiKey) return this.send(res, 401, invalidApiKey(auth).body());
      const entry = (id: string) => ({ id, object: 'model', created: 1721172741, owned_by: 'system' });
      if (model[1] === undefined) return this.send(res, 200, { object: 'list', data: FAKE_MODELS.map(entry) });
      const id = decodeURIComponent(model[1]);
      if (FAKE_MODELS.includes(id)) return this.send(res, 200, entry(id));
      return this.send(res, 404, {
        error: {
          message: `The model \`${id}\` does not exist or you do not have access to it.`,
          type: 'invalid_request_error',
          param: null,
          code: 'model_not_found',
        },
      });
    }
    if (!isChat || req.method !== 'POST' || auth !== this.apiKey) {
      req.resume();
      const err = auth !== this.apiKey ? invalidApiKey(auth) : notFound(req.method ?? 'GET', path);
      if (isChat) {
        this.counts.requests++;
        this.record(at, undefined, err.status);
      }
      this.send(res, err.status, err.body());
      return;
    }
    this.counts.requests++;
    let parsed: ParsedRequest;
    try {
      parsed = parseRequest(await this.readBody(req));
    } catch (err) {
      const e = err instanceof OpenAIError ? err : invalidRequest(String(err));
      this.record(at, undefined, e.status);
      this.send(res, e.status, e.body());
      return;
    }

    const fault = this.takeFault();
    if (fault === 'timeout') {
      this.record(at, parsed, 0);
      this.hold(res);
      return;
    }
    if (fault) {
      this.record(at, parsed, fault.status);
      this.send(res, fault.status, fault.body());
      return;
    }

    // Admission, exactly at this instant: one request and the estimated tokens (prompt + max output).
    const charge = parsed.promptTokens + (parsed.maxTokens ?? 0);
    const waitReq = Math.max(this.rpm.waitMs(1), this.windows?.rpm.waitMs(1) ?? 0);
    const waitTok = Math.max(this.tpm.waitMs(charge), this.windows?.tpm.waitMs(charge) ?? 0);
    if (waitReq > 0 || waitTok > 0) {
      this.record(at, parsed, 429, undefined, true);
      const headers = this.rateHeaders();
      let message: string;
      let type: 'requests' | 'tokens';
      if (waitTok === Infinity) {
        type = 'tokens';
        message = `Request too large for ${parsed.model} in organization ${ORG} on tokens per min (TPM): Limit ${this.tpm.limit}, Requested ${charge}. The input or output tokens must be reduced in order to run successfully. Visit https://platform.openai.com/account/rate-limits to learn more.`;
      } else {
        const wait = Math.max(waitReq, waitTok);
        headers['retry-after'] = String(Math.max(1, Math.ceil(wait / 1000)));
        headers['retry-after-ms'] = String(Math.ceil(wait));
        const requests = waitReq > 0;
        type = requests ? 'requests' : 'tokens';
        const bucket = requests ? this.rpm : this.tpm;
        const asked = requests ? 1 : charge;
        message =
          `Rate limit reached for ${parsed.model} in organization ${ORG} on ${type} per min (${requests ? 'RPM' : 'TPM'}): ` +
          `Limit ${bucket.limit}, Used ${bucket.limit - bucket.remaining()}, Requested ${asked}. ` +
          `Please try again in ${formatDuration(wait)}. Visit https://platform.openai.com/account/rate-limits to learn more.`;
      }
      this.send(res, 429, new OpenAIError(429, message, type, 'rate_limit_exceeded').body(), headers);
      return;
    }
    const answer = this.answer(parsed);
    if (answer instanceof OpenAIError) {
      this.record(at, parsed, answer.status);
      this.send(res, answer.status, answer.body());
      return;
    }
    for (const b of [this.rpm, this.windows?.rpm]) b?.take(1);
    for (const b of [this.tpm, this.windows?.tpm]) b?.take(charge);
    const headers = this.rateHeaders();
    const body = answer;
    this.record(at, parsed, 200, charge);
    this.counts.tokens += body.usage.total_tokens;
    const delay = this.latency.min + Math.random() * (this.latency.max - this.latency.min);
    headers['openai-processing-ms'] = String(Math.round(delay));
    if (delay > 0) this.later(delay, () => this.send(res, 200, body, headers));
    else this.send(res, 200, body, headers);
  }

  /** The failure the current mode applies to this request, if any. */
  private takeFault(): OpenAIError | 'timeout' | undefined {
    const m = this.currentMode;
    if (m === 'normal') return undefined;
    if (m === 'insufficient_quota') return insufficientQuota();
    if (--this.modeLeft <= 0) this.currentMode = 'normal';
    return 'timeoutTimes' in m ? 'timeout' : serverError(m.status);
  }

  /** The completion, or a 500 naming the test's mistake when its scenario cannot fit the strict schema. */
  private answer(p: ParsedRequest): ChatCompletion | OpenAIError {
    let scenario: Scenario | undefined;
    for (const key of [...p.imageHashes, p.textHash, ...p.partHashes]) {
      scenario = this.scenarios.get(key);
      if (scenario) break;
    }
    scenario ??= this.fallbackAnswer ?? {
      content: p.strictSchema ? (leastFit(p.strictSchema) as Record<string, unknown>) : {},
    };
    let value: unknown = scenario.content;
    if (typeof value !== 'string' && p.strictSchema && !scenario.breaksSchema) {
      const fit = fitToSchema(value, p.strictSchema);
      if ('problem' in fit)
        return new OpenAIError(
          500,
          `fake OpenAI: the scenario cannot fit the request's strict schema (${fit.problem}); mark it breaksSchema to send it anyway`,
          'server_error',
        );
      value = fit.value;
    }
    let content = typeof value === 'string' ? value : JSON.stringify(value);
    let completionTokens = scenario.completionTokens ?? Math.max(1, Math.ceil(content.length / 4));
    let finish: 'stop' | 'length' = 'stop';
    if (p.maxTokens !== undefined && completionTokens > p.maxTokens) {
      // Out of room: the real API stops mid-answer (so JSON is cut short) with finish_reason 'length'.
      finish = 'length';
      content = content.slice(0, p.maxTokens * 4);
      completionTokens = p.maxTokens;
    }
    const promptTokens = scenario.promptTokens ?? p.promptTokens;
    return {
      id: `chatcmpl-${randomBytes(15).toString('base64url')}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: p.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content, refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: finish,
        },
      ],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: {
          reasoning_tokens: 0,
          audio_tokens: 0,
          accepted_prediction_tokens: 0,
          rejected_prediction_tokens: 0,
        },
      },
      service_tier: 'default',
      system_fingerprint: 'fp_fake0000',
    };
  }
}

interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: { role: 'assistant'; content: string; refusal: null; annotations: never[] };
    logprobs: null;
    finish_reason: 'stop' | 'length';
  }>;
  usage: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    prompt_tokens_details: Record<string, number>;
    completion_tokens_details: Record<string, number>;
  };
  service_tier: string;
  system_fingerprint: string;
}

export async function startFakeOpenAI(options?: FakeOpenAIOptions): Promise<FakeOpenAI> {
  return new Fake(options).start();
}
