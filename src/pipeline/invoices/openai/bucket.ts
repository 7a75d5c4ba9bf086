// A continuous token bucket refilling limit/60 per second, like OpenAI's. It holds only a small burst (half a second
// of the limit by default), not the minute's: OpenAI enforces its per-minute limits over shorter windows ("60,000
// requests/minute may be enforced as 1,000 requests/second"), so a full minute sent at once draws 429s. Spread
// evenly, the limit is used whole. The level may go below zero (a request bigger than its estimate or than the
// burst, or a correction from the server): that is debt, paid back by the refill before anything else fits.

export const DEFAULT_BURST_MS = 500;

export class Bucket {
  #limit: number;
  #level: number;
  #at: number;
  readonly #burstMs: number;
  /** Everything ever taken, so a response can tell what was sent after its own request. */
  taken = 0;
  readonly #now: () => number;

  constructor(limit: number, now: () => number, burstMs = DEFAULT_BURST_MS) {
    this.#limit = limit;
    this.#burstMs = burstMs;
    this.#level = this.capacity;
    this.#now = now;
    this.#at = now();
  }

  /** Per minute. */
  get limit(): number {
    return this.#limit;
  }

  /** The most that goes at once: the burst's share of the limit, at least one unit. */
  get capacity(): number {
    return Math.max(Math.min(1, this.#limit), (this.#limit * this.#burstMs) / 60_000);
  }

  /** Units per millisecond. */
  get rate(): number {
    return this.#limit / 60_000;
  }

  get level(): number {
    this.#refill();
    return this.#level;
  }

  #refill(): void {
    const t = this.#now();
    if (t > this.#at) this.#level = Math.min(this.capacity, this.#level + (t - this.#at) * this.rate);
    this.#at = t;
  }

  /** Milliseconds until `amount` fits; an amount over the capacity waits for a full bucket (never forever). */
  waitMs(amount: number): number {
    this.#refill();
    const need = Math.min(amount, this.capacity);
    return need <= this.#level ? 0 : (need - this.#level) / this.rate;
  }

  take(amount: number): void {
    this.#refill();
    this.#level -= amount;
    this.taken += amount;
  }

  /** Gives back what a request did not use (never above the capacity). */
  give(amount: number): void {
    this.#refill();
    this.#level = Math.min(this.capacity, this.#level + amount);
  }

  /** Lowers the level to what the server says is left (never raises it: our own view is the cautious one). */
  lowerTo(level: number): void {
    this.#refill();
    if (level < this.#level) this.#level = level;
  }

  /** A new limit (the server's) keeps what was used: the level moves by the change of capacity. */
  setLimit(limit: number): void {
    this.#refill();
    if (!(limit > 0) || limit === this.#limit) return;
    const used = this.capacity - this.#level;
    this.#limit = limit;
    this.#level = this.capacity - used;
  }
}
