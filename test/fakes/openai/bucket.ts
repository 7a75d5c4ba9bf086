// OpenAI's rate limiter as its docs describe it: a continuous token bucket of capacity `limit` that refills
// limit/60 per second, one for requests and one for tokens.

export class Bucket {
  limit: number;
  private level: number;
  private at: number;
  private readonly now: () => number;

  constructor(limit: number, now: () => number) {
    this.limit = limit;
    this.level = limit;
    this.now = now;
    this.at = now();
  }

  /** Units per millisecond. */
  private get rate(): number {
    return this.limit / 60_000;
  }

  private refill(): void {
    const t = this.now();
    if (t > this.at) this.level = Math.min(this.limit, this.level + (t - this.at) * this.rate);
    this.at = t;
  }

  /** Milliseconds until `amount` fits (0 when it fits now; Infinity when it never can). */
  waitMs(amount: number): number {
    this.refill();
    if (amount <= this.level) return 0;
    if (amount > this.limit) return Infinity;
    return (amount - this.level) / this.rate;
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
    return (this.limit - this.level) / this.rate;
  }

  /** A new limit keeps what was used: the level moves by the change of capacity (never below 0). */
  setLimit(limit: number): void {
    this.refill();
    this.level = Math.max(0, limit - (this.limit - this.level));
    this.limit = limit;
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
  const s = `${Math.floor(sMs / 1000)}${sMs % 1000 ? `.${String(sMs % 1000).padStart(3, '0').replace(/0+$/, '')}` : ''}s`;
  if (h) return `${h}h${m}m${s}`;
  if (m) return `${m}m${s}`;
  return s;
}
