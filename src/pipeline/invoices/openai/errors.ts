// What extract() throws. Messages carry the API's words, never the API key.

/** The account is out of credit (429 insufficient_quota): nothing is sent until resume(); keep the work waiting. */
export class QuotaExhaustedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuotaExhaustedError';
  }
}

export interface OpenAIRequestErrorOptions {
  status?: number;
  code?: string | null;
  /** true when trying again later may succeed (all attempts went to 429, 5xx or timeouts). */
  retryable: boolean;
  attempts: number;
  cause?: unknown;
}

/** A request that failed: non-retryable (4xx, invalid answer) or retryable after every attempt was used. */
export class OpenAIRequestError extends Error {
  readonly status: number | undefined;
  readonly code: string | null;
  readonly retryable: boolean;
  readonly attempts: number;

  constructor(message: string, options: OpenAIRequestErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OpenAIRequestError';
    this.status = options.status;
    this.code = options.code ?? null;
    this.retryable = options.retryable;
    this.attempts = options.attempts;
  }
}

/** Every attempt met OpenAI failing for everyone (5xx, connection errors, timeouts): the work waits, it is not at fault. */
export class ProviderOutageError extends OpenAIRequestError {
  constructor(message: string, attempts: number) {
    super(message, { code: 'provider_outage', retryable: true, attempts });
    this.name = 'ProviderOutageError';
  }
}

/** The answer was not the JSON asked for (cut short, refused, malformed, or rejected by the caller's validate). */
export class InvalidOutputError extends OpenAIRequestError {
  /** What the answer cost anyway. */
  readonly usage: { prompt: number; completion: number; total: number } | undefined;
  readonly costUsd: number;

  constructor(
    message: string,
    attempts: number,
    cause?: unknown,
    usage?: { prompt: number; completion: number; total: number },
    costUsd = 0,
  ) {
    super(message, { code: 'invalid_output', retryable: false, attempts, cause });
    this.name = 'InvalidOutputError';
    this.usage = usage;
    this.costUsd = costUsd;
  }
}

/** Hides the key and key-shaped strings (OpenAI's 401 message quotes part of the key it was given). */
export function scrubKey(text: string, apiKey: string): string {
  let out = apiKey.length >= 4 ? text.split(apiKey).join('[redacted]') : text;
  out = out.replace(/\bsk-[A-Za-z0-9_*.-]+/g, 'sk-[redacted]');
  return out;
}

/** Every answer, through the last attempt, was not JSON that fits the schema: `message` says which field and how. */
export class BrokenAnswerError extends InvalidOutputError {
  constructor(
    reason: string,
    attempts: number,
    usage: { prompt: number; completion: number; total: number },
    costUsd: number,
  ) {
    super(reason, attempts, undefined, usage, costUsd);
    this.name = 'BrokenAnswerError';
  }
}
