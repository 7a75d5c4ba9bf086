// OpenAI's rate limiter as its docs describe it: a continuous token bucket of capacity `limit` that refills
// limit/60 per second, one for requests and one for tokens. A bucket may hold less than a minute's worth: OpenAI
// says limits can be "quantized", enforced over shorter periods (60,000 requests/min as 1,000 requests/s).

export class Bucket {
  limit: number;
  private level: number;
  private at: number;
  private readonly now: () => number;
  /** How much of a minute the bucket holds: 60 000 for the per-minute limit, 1000 for a 1-second window. */
  private readonly spanMs: number;

  constructor(limit: number, now: () => number, spanMs = 60_000) {
    this.limit = limit;
    this.spanMs = spanMs;
    this.level = this.capacity;
    this.now = now;
    this.at = now();
  }

  /** limit × span / 1 min, but at least one request. */
  get capacity(): number {
    return Math.max(Math.min(1, this.limit), (this.limit * this.spanMs) / 60_000);
  }

  /** Units per millisecond. */
  private get rate(): number {
    return this.limit / 60_000;
  }

  private refill(): void {
    const t = this.now();
    if (t > this.at) this.level = Math.min(this.capacity, this.level + (t - this.at) * this.rate);
    this.at = t;
  }

  /**
   * Milliseconds until `amount` fits (0 when it fits now; Infinity when it never can: over the per-minute limit).
   * An amount over a short window's capacity fits a full window (and leaves it in debt).
   */
  waitMs(amount: number): number {
    this.refill();
    if (amount > this.limit) return Infinity;
    const need = Math.min(amount, this.capacity);
    return need <= this.level ? 0 : (need - this.level) / this.rate;
  }

  take(amount: number): void {
    this.refill();
    this.level -= amount;
  }

  /** Whole units left, as x-ratelimit-remaining-* reports them. */
  remaining(): number {
    this.refill();
    return Math.max(0, Math.floor(this.level));
  }

  /** Milliseconds until the bucket is full again, as x-ratelimit-reset-* reports them. */
  resetMs(): number {
    this.refill();
    return (this.capacity - this.level) / this.rate;
  }

  /** A new limit keeps what was used: the level moves by the change of capacity (never below 0). */
  setLimit(limit: number): void {
    this.refill();
    const used = this.capacity - this.level;
    this.limit = limit;
    this.level = Math.max(0, this.capacity - used);
  }
}

/** A duration the way OpenAI's headers write it (Go's time.Duration): `0s`, `20ms`, `1s`, `8.64s`, `6m0s`, `1h2m3.5s`. */
export function formatDuration(ms: number): string {
  const whole = Math.ceil(ms);
  if (whole <= 0) return '0s';
  if (whole < 1000) return `${whole}ms`;
  const h = Math.floor(whole / 3_600_000);
  const m = Math.floor((whole % 3_600_000) / 60_000);
  const sMs = whole % 60_000;
  const s = `${Math.floor(sMs / 1000)}${
    sMs % 1000
      ? `.${String(sMs % 1000)
          .padStart(3, '0')
          .replace(/0+$/, '')}`
      : ''
  }s`;
  if (h) return `${h}h${m}m${s}`;
  if (m) return `${m}m${s}`;
  return s;
}
