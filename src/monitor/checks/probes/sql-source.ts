// Where a sql_count or sql_value probe runs its one SELECT: PostgreSQL (postgres://), MySQL (mysql://) or a SQLite
// file (sqlite:/path or file:/path), told by the URL in database_url_env. Each driver is loaded on first use, so
// an idle service pays only for what its probes name. The URL never reaches a message or a log.
import { checkSelect } from './sql-guard.ts';

export interface SqlSource {
  /** The one value of the one row the query returns (null for SQL NULL); throws a message naming the probe. */
  value(): Promise<unknown>;
  close(): Promise<void>;
}

export interface SqlSourceOptions {
  probe: string;
  sql: string;
  url: string;
  timeoutMs: number;
}

export type SqlDialect = 'postgres' | 'mysql' | 'sqlite';

/** The database kind a URL names, or a message saying which URLs a probe takes. */
export function dialectOf(probe: string, url: string): SqlDialect {
  if (/^postgres(ql)?:\/\//i.test(url)) return 'postgres';
  if (/^mysql:\/\//i.test(url)) return 'mysql';
  if (/^(sqlite|file):/i.test(url)) return 'sqlite';
  throw new Error(
    `probe ${probe}: its database URL is neither postgres://…, mysql://… nor sqlite:/path/to/file.db; set the variable to one of those`,
  );
}

/** Checks the statement (one SELECT) and the URL's kind before any connection; throws what to fix. */
export async function openSqlSource(o: SqlSourceOptions): Promise<SqlSource> {
  const sql = checkSelect(o.probe, o.sql);
  const options = { ...o, sql, timeoutMs: Math.max(100, Math.round(o.timeoutMs)) };
  switch (dialectOf(o.probe, o.url)) {
    case 'postgres':
      return new (await import('./sql-postgres.ts')).PostgresSource(options);
    case 'mysql':
      return new (await import('./sql-mysql.ts')).MysqlSource(options);
    case 'sqlite':
      return new (await import('./sql-sqlite.ts')).SqliteSource(options);
  }
}

/** The single value of a one-row, one-column answer, or an error saying what the query must return. */
export function oneValue(probe: string, rows: readonly unknown[][]): unknown {
  if (rows.length === 1 && rows[0]?.length === 1) return rows[0][0];
  throw new Error(
    `probe ${probe}: the query must return one row with one column, got ${rows.length} row(s)${rows[0] ? ` of ${rows[0].length} column(s)` : ''}; write e.g. select count(*) from items`,
  );
}

/** A driver's message without the URL or its password (a bad URL can be echoed back). */
export function cleanMessage(err: unknown, url: string): string {
  let text = err instanceof Error ? err.message : String(err);
  const secrets = [url];
  try {
    const u = new URL(url);
    if (u.password) secrets.push(u.password, decodeURIComponent(u.password));
  } catch {
    // An unparseable URL is hidden whole.
  }
  for (const s of secrets) if (s) text = text.split(s).join('[redacted]');
  return text;
}

/** Wraps a driver error as the probe's own: "cannot connect" or "the query failed", without secrets. */
export function probeError(probe: string, url: string, what: 'connect' | 'query', err: unknown): Error {
  if (err instanceof Error && err.message.startsWith(`probe ${probe}:`)) return err;
  const text = what === 'connect' ? 'cannot connect to its database' : 'the query failed';
  return new Error(`probe ${probe}: ${text} (${cleanMessage(err, url)})`, { cause: err });
}
