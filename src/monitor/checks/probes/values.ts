// A sql probe's answer as a number or a time, whatever the driver gives (pg's strings for bigint and numeric,
// Date for timestamps; SQLite's text times; mysql2's Date).

/** The number, null for SQL NULL; throws when the value is not a number. */
export function toNumber(probe: string, value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'bigint'
        ? Number(value)
        : typeof value === 'string' && value.trim() !== ''
          ? Number(value)
          : NaN;
  if (!Number.isFinite(n))
    throw new Error(
      `probe ${probe}: the query must return a number, got ${describe(value)}; write e.g. select count(*) from items`,
    );
  return n;
}

/**
 * Epoch milliseconds, null for SQL NULL (an empty table). Numbers are epoch seconds (below 1e11) or milliseconds;
 * a time written without a zone ("2026-01-05 14:30:00", as SQLite's datetime() writes) is taken as UTC.
 */
export function toTime(probe: string, value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return checked(probe, value.getTime(), value);
  if (
    typeof value === 'number' ||
    typeof value === 'bigint' ||
    (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value))
  ) {
    const n = Number(value);
    return checked(probe, n < 1e11 ? n * 1000 : n, value);
  }
  if (typeof value === 'string') {
    const text = value.trim();
    const utc = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text) ? `${text.replace(' ', 'T')}Z` : text;
    return checked(probe, Date.parse(utc), value);
  }
  return checked(probe, NaN, value);
}

function checked(probe: string, ms: number, value: unknown): number {
  if (!Number.isFinite(ms)) {
    throw new Error(
      `probe ${probe}: the query must return a time (a timestamp, an ISO text or epoch seconds), got ${describe(value)}; write e.g. select max(loaded_at) from items`,
    );
  }
  return Math.floor(ms);
}

function describe(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : String(value);
  return `${typeof value} ${text}`;
}
