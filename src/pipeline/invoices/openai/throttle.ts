// Our side of OpenAI's rate limits: a requests/min and a tokens/min bucket paced evenly with a small burst (limits from
// config as a start, then the ones the x-ratelimit-* headers of each answer give), a cap on requests in flight, and
// a client-wide pause after a 429, and one probe at a time while the provider is failing (outage.ts).
// Waiters are served strictly in arrival order (FIFO); nobody polls: the head computes how long it must wait and
// one timer wakes it.
import { Bucket } from './bucket.ts';
import { parseDuration } from './durations.ts';
import type { HeaderSource } from './durations.ts';
import { Outage } from './outage.ts';
import type { OutageBounds } from './outage.ts';

export interface ThrottleOptions {
  /** Requests per minute until the server's x-ratelimit-limit-requests says otherwise. */
  requestsPerMinute: number;
  /** Tokens per minute until x-ratelimit-limit-tokens says otherwise; charged as OpenAI does at admission (prompt estimate + max output tokens). */
  tokensPerMinute: number;
  /** The most sent at once, as milliseconds of the limit (default 500): the rest goes at an even rate. */
  burstMs?: number;
  /** Requests in flight at most. */
  concurrency: number;
  /** While the provider fails: the first probe after minMs, doubling up to maxMs (default 1 s and 60 s). */
  probe?: OutageBounds;
  /** Milliseconds, monotonic enough; default performance.now. */
  now?: () => number;
}

/** What a caller holds while its request is in flight. */
export interface Permit {
  readonly tokens: number;
  readonly at: number;
  /** Bucket totals just after this permit's own take: what the server had seen when it answered, at the latest. */
  readonly requestsTakenAfter: number;
  readonly tokensTakenAfter: number;
}

interface Waiter {
  tokens: number;
  resolve(permit: Permit): void;
  reject(err: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/** A running ratio of actual/estimated prompt tokens (an exponentially weighted mean of the sums). */
export class TokenCalibration {
  #actual = 1;
  #estimated = 1;
  readonly #keep: number;

  /** `keep`: the weight the past keeps at each observation (0.9 ≈ the last ten answers). */
  constructor(keep = 0.9) {
    this.#keep = keep;
  }

  get ratio(): number {
    return Math.min(4, Math.max(0.25, this.#actual / this.#estimated));
  }

  observe(estimated: number, actual: number): void {
    if (!(estimated > 0) || !(actual >= 0)) return;
    if (this.#estimated === 1 && this.#actual === 1) {
      // The first answer replaces the neutral prior.
      this.#actual = actual;
      this.#estimated = estimated;
      return;
    }
    this.#actual = this.#actual * this.#keep + actual;
    this.#estimated = this.#estimated * this.#keep + estimated;
  }
}

export class Throttle {
  readonly requests: Bucket;
  readonly tokens: Bucket;
  readonly #concurrency: number;
  readonly #now: () => number;
  readonly #waiters: Waiter[] = [];
  readonly #outage: Outage<Permit>;
  #inFlight = 0;
  #pausedUntil = 0;
  #timer: NodeJS.Timeout | null = null;
  #timerAt = Infinity;

  constructor(options: ThrottleOptions) {
    for (const k of ['requestsPerMinute', 'tokensPerMinute', 'concurrency'] as const) {
      if (!(options[k] > 0)) throw new Error(`throttle: ${k} must be a positive number, got ${options[k]}`);
    }
    this.#now = options.now ?? (() => performance.now());
    this.requests = new Bucket(options.requestsPerMinute, this.#now, options.burstMs);
    this.tokens = new Bucket(options.tokensPerMinute, this.#now, options.burstMs);
    this.#concurrency = Math.floor(options.concurrency);
    this.#outage = new Outage(options.probe ?? { minMs: 1000, maxMs: 60_000 }, this.#now);
  }

  /** Milliseconds the provider has been failing for everyone (null when it answers). */
  get outageMs(): number | null {
    return this.#outage.forMs;
  }

  /** The provider failed this request (5xx, connection error, timeout): sending stops but for one probe at a time. */
  serverFailed(permit: Permit, retryAfterMs?: number): void {
    this.#outage.failed(permit, retryAfterMs);
    this.#pump();
  }

  /** The provider answered (a success, or a refusal of the request itself): sending resumes. */
  serverAnswered(): void {
    this.#outage.answered();
    this.#pump();
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get waiting(): number {
    return this.#waiters.length;
  }

  /** Milliseconds the client is paused for after a 429 (0 when not). */
  get pausedMs(): number {
    return Math.max(0, this.#pausedUntil - this.#now());
  }

  /** How long a request of `tokens` would wait for the buckets and the pause now (ignoring queue and concurrency). */
  waitMs(tokens: number): number {
    return Math.max(this.#pausedUntil - this.#now(), this.requests.waitMs(1), this.tokens.waitMs(tokens), 0);
  }

  /** Waits for a slot, one request and `estimatedTokens` of budget; FIFO. Call release(permit) when the answer is in. */
  acquire(estimatedTokens: number, signal?: AbortSignal): Promise<Permit> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Permit>((resolve, reject) => {
      const waiter: Waiter = { tokens: Math.max(0, estimatedTokens), resolve, reject };
      if (signal) {
        waiter.signal = signal;
        waiter.onAbort = () => {
          const i = this.#waiters.indexOf(waiter);
          if (i >= 0) this.#waiters.splice(i, 1);
          reject(signal.reason);
          this.#pump();
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.#waiters.push(waiter);
      this.#pump();
    });
  }

  /** The request is over (answered or failed): frees its concurrency slot. */
  release(permit: Permit): void {
    this.#outage.released(permit);
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    this.#pump();
  }

  /**
   * Adapts to the server's view from an answer's x-ratelimit-* headers: the limits (the server's replace the
   * configured ones, up or down) and what is left. The server counted everything sent up to this request; what we
   * sent since is taken off its figure, the refill since added, and our level only ever moves down to it: when
   * another user of the key has emptied the minute, we wait for it to refill.
   */
  observe(headers: HeaderSource, permit?: Permit): void {
    const now = this.#now();
    for (const [name, bucket, takenAfter] of [
      ['requests', this.requests, permit?.requestsTakenAfter],
      ['tokens', this.tokens, permit?.tokensTakenAfter],
    ] as const) {
      const limit = Number(headers.get(`x-ratelimit-limit-${name}`) ?? NaN);
      if (Number.isFinite(limit) && limit > 0) bucket.setLimit(limit);
      const serverLimit = Number.isFinite(limit) && limit > 0 ? limit : bucket.limit;
      const remaining = Number(headers.get(`x-ratelimit-remaining-${name}`) ?? NaN);
      const reset = parseDuration(headers.get(`x-ratelimit-reset-${name}`));
      let level: number | undefined;
      if (Number.isFinite(remaining)) level = remaining;
      if (reset !== undefined) {
        // reset = time until full, so level = limit - reset × rate: finer than the whole units of `remaining`.
        const fromReset = serverLimit - (reset * serverLimit) / 60_000;
        level = level === undefined ? fromReset : Math.min(level + 1, Math.max(level, fromReset));
      }
      if (level === undefined) continue;
      if (permit) {
        const since = takenAfter === undefined ? 0 : bucket.taken - takenAfter;
        level += Math.max(0, now - permit.at) * (serverLimit / 60_000) - since;
      }
      // The server's level is of its minute; ours holds a burst: only a minute nearly used up lowers it.
      bucket.lowerTo(level);
    }
    this.#pump();
  }

  /** Returns the tokens a request did not use (or charges what it used beyond its estimate). */
  settle(permit: Permit, actualTotalTokens: number | undefined): void {
    const unused = permit.tokens - (actualTotalTokens ?? 0);
    if (unused > 0) this.tokens.give(unused);
    else if (unused < 0) this.tokens.take(-unused);
    this.#pump();
  }

  /** A 429: nothing is sent by anyone until `ms` from now. */
  pause(ms: number): void {
    if (!(ms > 0)) return;
    this.#pausedUntil = Math.max(this.#pausedUntil, this.#now() + ms);
    this.#pump();
  }

  /** Rejects every waiter (the client is shutting down or the quota is gone). */
  rejectAll(err: unknown): void {
    for (const w of this.#waiters.splice(0)) {
      if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
      w.reject(err);
    }
    this.#clearTimer();
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#timerAt = Infinity;
  }

  #pump(): void {
    while (this.#waiters.length > 0) {
      if (this.#inFlight >= this.#concurrency) return; // release() pumps again
      const gate = this.#outage.waitMs();
      if (gate === Infinity) return this.#clearTimer(); // the probe's verdict pumps again
      const head = this.#waiters[0] as Waiter;
      const wait = Math.max(gate, this.waitMs(head.tokens));
      if (wait > 0) {
        const at = this.#now() + wait;
        // One timer, for the earliest moment the head can go.
        if (this.#timer && Math.abs(this.#timerAt - at) < 1) return;
        this.#clearTimer();
        this.#timerAt = at;
        this.#timer = setTimeout(
          () => {
            this.#timer = null;
            this.#timerAt = Infinity;
            this.#pump();
          },
          Math.max(1, Math.ceil(wait)),
        );
        return;
      }
      this.#waiters.shift();
      if (head.onAbort) head.signal?.removeEventListener('abort', head.onAbort);
      this.requests.take(1);
      this.tokens.take(head.tokens);
      this.#inFlight++;
      const permit: Permit = {
        tokens: head.tokens,
        at: this.#now(),
        requestsTakenAfter: this.requests.taken,
        tokensTakenAfter: this.tokens.taken,
      };
      this.#outage.probing(permit);
      head.resolve(permit);
    }
    this.#clearTimer();
  }
}
