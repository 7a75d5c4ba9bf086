/** A unique constraint refused the write, on PostgreSQL (23505) or SQLite. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return e?.code === '23505' || (typeof e?.message === 'string' && e.message.includes('UNIQUE constraint failed'));
}

// Socket errors and PostgreSQL's class 08 (connection exception) and 57P0x (the server is shutting down, starting
// or crashed): the database went away, which says nothing about the data or the statement.
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);
const UNREACHABLE_SQLSTATE = /^(08|57P0[1-4])/;
const UNREACHABLE_MESSAGE =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended)/;

/** The store could not be reached (PostgreSQL down, restarting or cut off): an outage to ride out, not a bug. */
export function isStoreUnavailable(err: unknown): boolean {
  for (
    let e = err as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown } | undefined, depth = 0;
    e && depth < 5;
    depth++
  ) {
    if (typeof e.code === 'string' && (UNREACHABLE_CODES.has(e.code) || UNREACHABLE_SQLSTATE.test(e.code))) return true;
    if (typeof e.message === 'string' && UNREACHABLE_MESSAGE.test(e.message)) return true;
    // AggregateError: a host name with several addresses, none answering.
    if (Array.isArray(e.errors) && e.errors.some((x) => isStoreUnavailable(x))) return true;
    e = e.cause as typeof e;
  }
  return false;
}
