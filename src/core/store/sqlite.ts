// Kysely's SqliteDialect over node:sqlite (built into Node 22), so the embedded store needs no native addon.
import { DatabaseSync } from 'node:sqlite';
import type { SQLInputValue, StatementSync } from 'node:sqlite';
import { SqliteAdapter, SqliteDialect } from 'kysely';
import type { DialectAdapter } from 'kysely';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

export interface SqliteOptions {
  file: string;
  synchronous: 'normal' | 'full';
  busyTimeoutMs: number;
}

/** Prepared statements are cached: the queue runs the same few statements thousands of times. */
const STATEMENT_CACHE = 256;

export function openSqlite(options: SqliteOptions): { dialect: SqliteDialect; database: DatabaseSync } {
  const database = new DatabaseSync(options.file, { timeout: options.busyTimeoutMs });
  // WAL: readers never block the writer, and a crash of the process loses no committed transaction.
  database.exec('PRAGMA journal_mode = WAL');
  database.exec(`PRAGMA synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  database.exec('PRAGMA foreign_keys = ON');
  const adapter = new NodeSqliteAdapter(database);
  return { dialect: new TransactionalDdlSqliteDialect({ database: adapter }), database };
}

/**
 * SQLite runs DDL inside transactions, but Kysely's adapter says it does not, so its Migrator would run migrations
 * without one: a migration that failed halfway left some of its tables behind, and running it again failed on them.
 * Only the Migrator reads this flag.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class TransactionalDdlSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

class NodeSqliteAdapter implements SqliteDatabase {
  readonly #db: DatabaseSync;
  readonly #cache = new Map<string, SqliteStatement>();

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  prepare(sql: string): SqliteStatement {
    const cached = this.#cache.get(sql);
    if (cached) return cached;
    const statement = wrap(this.#db.prepare(sql));
    if (this.#cache.size >= STATEMENT_CACHE) this.#cache.delete(this.#cache.keys().next().value as string);
    this.#cache.set(sql, statement);
    return statement;
  }

  close(): void {
    this.#cache.clear();
    if (this.#db.isOpen) this.#db.close();
  }
}

function wrap(statement: StatementSync): SqliteStatement {
  const params = (parameters: ReadonlyArray<unknown>): SQLInputValue[] => parameters.map(toSqlite);
  return {
    reader: statement.columns().length > 0,
    all: (parameters) => statement.all(...params(parameters)),
    run: (parameters) => statement.run(...params(parameters)),
    iterate: (parameters) => statement.iterate(...params(parameters)),
  };
}

/** node:sqlite binds no booleans, undefined or Dates; the schema avoids them, this keeps a slip from crashing. */
function toSqlite(value: unknown): SQLInputValue {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === undefined) return null;
  if (value instanceof Date) return value.getTime();
  return value as SQLInputValue;
}
