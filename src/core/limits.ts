// Backoff for retries. Full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): a random wait
// between 0 and min(cap, base·2^(attempt-1)), which spreads retries of many clients that failed together.
export interface Backoff {
  baseMs: number;
  capMs: number;
}

export function fullJitterDelay(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
  const exp = Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * exp);
}
