// Docker's log timestamps (RFC3339Nano) as nanosecond bigints, and back as a `since` query value: a log checkpoint
// must keep Docker's full precision, or lines of one millisecond would be read twice or lost.

const STAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** Nanoseconds since the epoch, or null when the text is not an RFC 3339 time. */
export function parseStamp(text: string): bigint | null {
  const m = STAMP.exec(text);
  if (!m) return null;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (!Number.isFinite(ms)) return null;
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0') || '0');
}

/** "seconds.nanoseconds", as the Engine API takes `since`. */
export function sinceParam(ns: bigint): string {
  return `${ns / 1_000_000_000n}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}`;
}

export function msToNs(ms: number): bigint {
  return BigInt(Math.floor(ms)) * 1_000_000n;
}
