// A sql_count probe's query on a PostgreSQL beside Centinela (the loader's or vectorizer's database): one SELECT in
// a READ ONLY transaction with a statement_timeout, returning one number. The URL never reaches a message or a log.
import type { Pool, QueryArrayConfig } from 'pg';
import { checkSelect } from './sql-guard.ts';

export class SqlCounter {
  readonly #probe: string;
  readonly #sql: string;
  readonly #url: string;
  readonly #timeoutMs: number;
  #pool: Promise<Pool> | null = null;

  /** Throws when the statement is not a single SELECT (checked once, before any connection). */
  constructor(o: { probe: string; sql: string; url: string; timeoutMs: number }) {
    this.#probe = o.probe;
    this.#sql = checkSelect(o.probe, o.sql);
    this.#url = o.url;
    this.#timeoutMs = Math.max(100, Math.round(o.timeoutMs));
  }

  async count(): Promise<number> {
    const pool = await this.#openPool();
    let client;
    try {
      client = await pool.connect();
    } catch (err) {
      throw new Error(`probe ${this.#probe}: cannot connect to its database (${this.#clean(err)})`, { cause: err });
    }
    let broken = false;
    try {
      await client.query('BEGIN READ ONLY');
      await client.query(`SET LOCAL statement_timeout = ${this.#timeoutMs}`);
      // Extended protocol: the server refuses a second statement even if one slipped past the guard.
      const query: QueryArrayConfig & { queryMode: 'extended' } = { text: this.#sql, rowMode: 'array', queryMode: 'extended' };
      const res = await client.query(query);
      await client.query('ROLLBACK');
      return this.#oneNumber(res.rows);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => (broken = true));
      if ((err as Error).message.startsWith(`probe ${this.#probe}:`)) throw err;
      throw new Error(`probe ${this.#probe}: the query failed (${this.#clean(err)})`, { cause: err });
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = null;
    if (pool) await (await pool).end().catch(() => {});
  }

  #oneNumber(rows: unknown[][]): number {
    const value = rows.length === 1 && rows[0]?.length === 1 ? rows[0][0] : undefined;
    const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    if (!Number.isFinite(n)) {
      throw new Error(
        `probe ${this.#probe}: the query must return one row with one number, got ${rows.length} row(s)${rows[0] ? ` of ${rows[0].length} column(s)` : ''}; write e.g. select count(*) from items`,
      );
    }
    return n;
  }

  /** A driver message without the URL or its password (a bad URL can be echoed back). */
  #clean(err: unknown): string {
    let text = err instanceof Error ? err.message : String(err);
    const secrets = [this.#url];
    try {
      const u = new URL(this.#url);
      if (u.password) secrets.push(u.password, decodeURIComponent(u.password));
    } catch {
      // An unparseable URL is hidden whole.
    }
    for (const s of secrets) if (s) text = text.split(s).join('[redacted]');
    return text;
  }

  #openPool(): Promise<Pool> {
    // pg is loaded only when a sql_count probe runs: an idle service without probes does not pay for it.
    this.#pool ??= import('pg').then(({ default: pg }) => {
      const pool = new pg.Pool({ connectionString: this.#url, max: 1, idleTimeoutMillis: 60_000, connectionTimeoutMillis: 10_000, allowExitOnIdle: true });
      pool.on('error', () => {}); // an idle connection lost with its server: the next count reconnects
      return pool;
    });
    return this.#pool;
  }
}
