// requests_per_minute as a token bucket: a burst up to the minute's limit, then one request every 60/limit s.
// Every generateContent attempt (retries and re-asks included) takes one.
export class Pace {
  readonly #perMs: number;
  readonly #capacity: number;
  #tokens: number;
  #at: number;
  #queue: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(perMinute: number, now: () => number, sleep: (ms: number) => Promise<void>) {
    this.now = now;
    this.sleep = sleep;
    this.#capacity = perMinute;
    this.#perMs = perMinute / 60_000;
    this.#tokens = perMinute;
    this.#at = now();
  }

  /** Resolves when one request may go; callers are served in order. */
  take(): Promise<void> {
    const turn = this.#queue.then(async () => {
      this.#refill();
      if (this.#tokens < 1) {
        await this.sleep(Math.ceil((1 - this.#tokens) / this.#perMs));
        this.#refill();
      }
      this.#tokens = Math.max(0, this.#tokens - 1);
    });
    this.#queue = turn;
    return turn;
  }

  #refill(): void {
    const t = this.now();
    this.#tokens = Math.min(this.#capacity, this.#tokens + (t - this.#at) * this.#perMs);
    this.#at = t;
  }
}
