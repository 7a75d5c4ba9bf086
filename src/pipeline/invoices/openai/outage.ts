// The provider failing for everyone (5xx, connection errors, timeouts). Instead of every request retrying on its own
// (attempts multiplied by every invoice in flight), sending stops and one probe at a time asks again, at a bounded
// rate: the wait doubles from minMs up to maxMs (or what retry-after asks, if longer). Any answer ends it.

export interface OutageBounds {
  minMs: number;
  maxMs: number;
}

export class Outage<P> {
  readonly #bounds: OutageBounds;
  readonly #now: () => number;
  #since: number | null = null;
  #probeAt = 0;
  #intervalMs = 0;
  #probe: P | null = null;

  constructor(bounds: OutageBounds, now: () => number) {
    this.#bounds = bounds;
    this.#now = now;
  }

  /** Milliseconds the provider has been failing (null when it is not). */
  get forMs(): number | null {
    return this.#since === null ? null : this.#now() - this.#since;
  }

  /** Milliseconds until the next probe may go: 0 when there is no outage, Infinity while a probe is out. */
  waitMs(): number {
    if (this.#since === null) return 0;
    if (this.#probe !== null) return Infinity;
    return Math.max(0, this.#probeAt - this.#now());
  }

  /** `permit` goes out as the probe (call only when waitMs() is 0 during an outage). */
  probing(permit: P): void {
    if (this.#since !== null) this.#probe = permit;
  }

  /** A request failed on the provider's side: an outage starts, or the probe's failure puts the next one further off. */
  failed(permit: P, retryAfterMs = 0): void {
    const now = this.#now();
    if (this.#since === null) {
      this.#since = now;
      this.#intervalMs = this.#bounds.minMs;
    } else if (this.#probe === permit) {
      this.#probe = null;
      this.#intervalMs = Math.min(this.#bounds.maxMs, this.#intervalMs * 2);
    } else {
      return; // sent before the outage was known: it tells nothing new
    }
    this.#probeAt = now + Math.max(this.#intervalMs, retryAfterMs);
  }

  /** The provider answered (anything but a failure of its own): sending resumes for everyone. */
  answered(): void {
    this.#since = null;
    this.#probe = null;
  }

  /** A request is over; a probe that ended without a verdict (cancelled) lets the next one go. */
  released(permit: P): void {
    if (this.#probe === permit) this.#probe = null;
  }
}
