// Docker's clock on the wire: events carry `time` (seconds) and `timeNano`; log lines carry RFC3339Nano stamps;
// `since`/`until` accept "seconds[.nanoseconds]" or an RFC 3339 date. The fake keeps times as nanosecond bigints.

let last = 0n;

/**
 * Now in nanoseconds, strictly increasing by at least a microsecond, so two lines or events of one millisecond
 * still have an order, and stay distinct after a JSON reader rounds timeNano to a double (as a real daemon's do).
 */
export function nowNs(): bigint {
  const ns = BigInt(Date.now()) * 1_000_000n;
  last = ns > last ? ns : last + 1_000n;
  return last;
}

/** Go's time.RFC3339Nano: trailing zeros of the fraction dropped, no fraction when it is zero. */
export function rfc3339Nano(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const base = new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${base}${frac ? `.${frac}` : ''}Z`;
}

/** A since/until query value in nanoseconds; null when absent or 0 (Docker: no limit). Throws on garbage. */
export function parseTimeParam(value: string | null): bigint | null {
  if (value === null || value === '' || value === '0') return null;
  const unix = /^(\d+)(?:\.(\d{1,9}))?$/.exec(value);
  if (unix) return BigInt(unix[1] as string) * 1_000_000_000n + BigInt((unix[2] ?? '').padEnd(9, '0') || '0');
  const date = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(value);
  if (date) {
    const seconds = Date.parse(`${date[1]}${date[3]}`) / 1000;
    if (Number.isFinite(seconds))
      return BigInt(seconds) * 1_000_000_000n + BigInt((date[2] ?? '').padEnd(9, '0') || '0');
  }
  throw new Error(`invalid value for time: ${value}`);
}
