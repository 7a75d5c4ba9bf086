// A probe's query on MySQL or MariaDB through mysql2 (loaded only when a probe names a mysql:// URL): one SELECT in a
// READ ONLY transaction, with the server's max_execution_time where it has one and the client's own timeout.
import type { Connection } from 'mysql2/promise';
import { oneValue, probeError } from './sql-source.ts';
import type { SqlSource, SqlSourceOptions } from './sql-source.ts';

export class MysqlSource implements SqlSource {
  readonly #o: SqlSourceOptions;
  #conn: Connection | null = null;

  constructor(o: SqlSourceOptions) {
    this.#o = o;
  }

  async value(): Promise<unknown> {
    const { probe, url, sql, timeoutMs } = this.#o;
    const conn = await this.#connect();
    try {
      await conn.query('START TRANSACTION READ ONLY');
      const [rows] = await conn.query({ sql, rowsAsArray: true, timeout: timeoutMs });
      await conn.query('ROLLBACK');
      return oneValue(probe, rows as unknown[][]);
    } catch (err) {
      // A timed-out or broken connection is not reused: the next run connects afresh.
      await this.close();
      throw probeError(probe, url, 'query', err);
    }
  }

  async close(): Promise<void> {
    const conn = this.#conn;
    this.#conn = null;
    if (conn) await conn.end().catch(() => conn.destroy());
  }

  async #connect(): Promise<Connection> {
    if (this.#conn) return this.#conn;
    const { probe, url, timeoutMs } = this.#o;
    try {
      const mysql = await import('mysql2/promise');
      // multipleStatements stays off (its default): a second statement is refused by the driver.
      // DATETIME has no zone: read as UTC, as the probes read every zoneless time.
      const conn = await mysql.createConnection({
        uri: url,
        connectTimeout: 10_000,
        multipleStatements: false,
        timezone: 'Z',
      });
      conn.on('error', () => {}); // a connection lost while idle: the next run reconnects
      // MySQL stops a SELECT after this many ms; MariaDB has no such variable (the client timeout still holds).
      await conn.query(`SET SESSION max_execution_time = ${Math.round(timeoutMs)}`).catch(() => {});
      this.#conn = conn;
      return conn;
    } catch (err) {
      throw probeError(probe, url, 'connect', err);
    }
  }
}
