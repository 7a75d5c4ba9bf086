// A continuous token bucket like OpenAI's: capacity = the per-minute limit, refilling limit/60 per second.
// The level may go below zero (a request bigger than its estimate, or a correction from the server): that is
// debt, paid back by the refill before anything else fits.

export class Bucket {
  #limit: number;
  #level: number;
  #at: number;
  /** Everything ever taken, so a response can tell what was sent after its own request. */
  taken = 0;
  readonly #now: () => number;

  constructor(limit: number, now: () => number) {
    this.#limit = limit;
    this.#level = limit;
    this.#now = now;
    this.#at = now();
  }

  get limit(): number {
    return this.#limit;
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
    if (t > this.#at) this.#level = Math.min(this.#limit, this.#level + (t - this.#at) * this.rate);
    this.#at = t;
  }

  /** Milliseconds until `amount` fits; an amount over the capacity waits for a full bucket (never forever). */
  waitMs(amount: number): number {
    this.#refill();
    const need = Math.min(amount, this.#limit);
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
    this.#level = Math.min(this.#limit, this.#level + amount);
  }

  /** Lowers the level to what the server says is left (never raises it: our own view is the cautious one). */
  lowerTo(level: number): void {
    this.#refill();
    if (level < this.#level) this.#level = level;
  }

  /** A new limit keeps what was used: the level moves by the change of capacity. */
  setLimit(limit: number): void {
    this.#refill();
    if (!(limit > 0) || limit === this.#limit) return;
    this.#level = Math.min(limit, this.#level + (limit - this.#limit));
    this.#limit = limit;
  }
}
