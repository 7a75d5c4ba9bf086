// A probe's query on PostgreSQL (the loader's or vectorizer's database): one SELECT in a READ ONLY transaction
// with a statement_timeout, over the extended protocol (which refuses a second statement).
import type { Pool, QueryArrayConfig } from 'pg';
import { oneValue, probeError } from './sql-source.ts';
import type { SqlSource, SqlSourceOptions } from './sql-source.ts';

export class PostgresSource implements SqlSource {
  readonly #o: SqlSourceOptions;
  #pool: Promise<Pool> | null = null;

  constructor(o: SqlSourceOptions) {
    this.#o = o;
  }

  async value(): Promise<unknown> {
    const { probe, url } = this.#o;
    const pool = await this.#openPool();
    let client;
    try {
      client = await pool.connect();
    } catch (err) {
      throw probeError(probe, url, 'connect', err);
    }
    let broken = false;
    try {
      await client.query('BEGIN READ ONLY');
      await client.query(`SET LOCAL statement_timeout = ${this.#o.timeoutMs}`);
      const query: QueryArrayConfig & { queryMode: 'extended' } = {
        text: this.#o.sql,
        rowMode: 'array',
        queryMode: 'extended',
      };
      const res = await client.query(query);
      await client.query('ROLLBACK');
      return oneValue(probe, res.rows);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => (broken = true));
      throw probeError(probe, url, 'query', err);
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = null;
    if (pool) await (await pool).end().catch(() => {});
  }

  #openPool(): Promise<Pool> {
    // pg is loaded only when a probe on PostgreSQL runs: an idle service without probes does not pay for it.
    this.#pool ??= import('pg').then(({ default: pg }) => {
      const pool = new pg.Pool({
        connectionString: this.#o.url,
        max: 1,
        idleTimeoutMillis: 60_000,
        connectionTimeoutMillis: 10_000,
        allowExitOnIdle: true,
      });
      pool.on('error', () => {}); // an idle connection lost with its server: the next query reconnects
      return pool;
    });
    return this.#pool;
  }
}
