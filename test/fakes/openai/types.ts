// The fake OpenAI's public types.

export interface FakeOpenAIOptions {
  /** Requests per minute: a continuous bucket of this capacity, refilling limit/60 per second. Default 500. */
  requestsPerMinute?: number;
  /** Tokens per minute, the same kind of bucket. Default 200_000. */
  tokensPerMinute?: number;
  /**
   * Also enforce both limits over windows this long, as OpenAI does ("60,000 requests/minute may be enforced as
   * 1,000 requests/second"): buckets of limit × windowMs / 1 min, refilling at the same rate, that the headers do
   * not show. A request of more tokens than a window holds fits a full window. Default: per minute only.
   */
  windowMs?: number;
  /** Added to every admitted request before it is answered (uniform in [min, max] when a range). Default 0. */
  latencyMs?: number | { min: number; max: number };
  /** The only key accepted; others get 401 invalid_api_key. Default 'sk-test-fake'. */
  apiKey?: string;
  /** The rate limits' clock in ms (a test that must not depend on the machine's speed stops it). Default: real. */
  now?: () => number;
}

export interface Scenario {
  /**
   * An object is answered as its JSON text; a string is answered verbatim (so a test can send malformed JSON).
   * Under a strict json_schema an object is made to fit as the model would (left-out nullable properties are null);
   * one that cannot fit is answered 500 naming why, unless `breaksSchema`.
   */
  content: Record<string, unknown> | string;
  /** Send the content as it is even when it breaks the request's strict schema (what a compatible server may do). */
  breaksSchema?: boolean;
  /** Reported in usage; default: the fake's estimate of the prompt. */
  promptTokens?: number;
  /** Reported in usage; default: ceil(content characters / 4). */
  completionTokens?: number;
}

export type FakeOpenAIMode =
  | 'normal'
  | 'insufficient_quota'
  | { status: 500 | 502 | 503 | 529; times?: number }
  | { timeoutTimes: number };

export interface FakeOpenAIStats {
  /** Every POST /v1/chat/completions received. */
  requests: number;
  /** Answered 200. */
  completed: number;
  /** Answered 429 rate_limit_exceeded (requests or tokens). */
  rateLimited: number;
  /** Everything else: 400, 401, insufficient_quota, 5xx, and requests held by timeout mode. */
  errors: number;
  /** Sum of usage.total_tokens of the 200 answers. */
  tokens: number;
}

export interface RecordedRequest {
  /** Date.now() when the request arrived. */
  at: number;
  model: string;
  /** sha256 of each image's (or file's) decoded data-URL bytes, or of the URL text for an http(s) URL. */
  imageHashes: string[];
  /** sha256 of every text part (and string content) of every message, concatenated with nothing between. */
  textHash: string;
  /** The status answered; 0 for a request held by timeout mode. */
  status: number;
  responseFormat?: unknown;
  /** The tokens charged to the tokens/min bucket at admission (estimate + max_tokens), when it was admitted. */
  chargedTokens?: number;
}

export interface FakeOpenAI {
  /** e.g. http://127.0.0.1:PORT/v1, for new OpenAI({ baseURL, apiKey, maxRetries: 0 }). */
  readonly baseURL: string;
  readonly apiKey: string;
  /**
   * Answer requests whose image (sha256 of the decoded data-URL bytes) or text matches the key. Text keys match the
   * sha256 of all text parts concatenated (RecordedRequest.textHash) or of any single text part / string content.
   * Images are tried first, in order.
   */
  scenario(key: string, answer: Scenario): void;
  /** For unmatched requests (default: `{}`, or under a strict schema the least answer that fits it: null, "", 0…). */
  fallback(answer: Scenario): void;
  mode(m: FakeOpenAIMode): void;
  /** Takes effect at once; what was used stays used (remaining = new limit - used, at least 0). */
  setLimits(l: { requestsPerMinute?: number; tokensPerMinute?: number }): void;
  /** A snapshot. */
  readonly stats: FakeOpenAIStats;
  /** The live log, in the order the fake decided each answer. */
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}
