// OpenAI's header values: durations written like Go's time.Duration (`20ms`, `1s`, `8.64s`, `6m0s`, `1h2m3.5s`)
// in x-ratelimit-reset-*, and retry-after-ms / retry-after on 429 and 5xx answers.

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };
const PART = /(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/gy;

/** Milliseconds of a Go-style duration; a bare number is seconds. undefined when unreadable. */
export function parseDuration(text: string | null | undefined): number | undefined {
  if (text === null || text === undefined) return undefined;
  const s = text.trim();
  if (s === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  PART.lastIndex = 0;
  let total = 0;
  let end = 0;
  for (let m = PART.exec(s); m; m = PART.exec(s)) {
    total += Number(m[1]) * (UNIT_MS[m[2] as string] ?? NaN);
    end = PART.lastIndex;
  }
  return end === s.length && Number.isFinite(total) ? total : undefined;
}

/** Anything with a case-insensitive get(name), like fetch's Headers. */
export interface HeaderSource {
  get(name: string): string | null;
}

/** A plain record as a HeaderSource (tests, logs). */
export function headersOf(record: Record<string, string>): HeaderSource {
  const lower = new Map(Object.entries(record).map(([k, v]) => [k.toLowerCase(), v]));
  return { get: (name) => lower.get(name.toLowerCase()) ?? null };
}

/** How long the server asks us to wait: retry-after-ms, else retry-after (seconds or an HTTP date); undefined if neither. */
export function retryAfterMs(headers: HeaderSource | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = Number(headers.get('retry-after-ms') ?? NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const ra = headers.get('retry-after');
  if (ra === null) return undefined;
  const seconds = Number(ra);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(ra);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}
