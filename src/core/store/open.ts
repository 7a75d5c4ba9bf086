// Opens the store: PostgreSQL when DATABASE_URL is set (Supabase gives such a URL), else SQLite in the data folder.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type PgModule from 'pg';
import type { Database } from './schema.ts';
import { pgConnectionString } from './pg-url.ts';
import { openSqlite } from './sqlite.ts';

const CONNECT_TIMEOUT_MS = 10_000;

export type StoreKind = 'sqlite' | 'postgres';

export interface StoreOptions {
  dataDir: string;
  databaseUrl?: string;
  sqliteSynchronous: 'normal' | 'full';
  busyTimeoutMs: number;
  poolSize: number;
}

export interface Store {
  db: Kysely<Database>;
  kind: StoreKind;
  /** Where the data lives, without credentials: safe to log and show. */
  location: string;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function openStore(options: StoreOptions): Store {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolSize);
  mkdirSync(options.dataDir, { recursive: true });
  const file = join(options.dataDir, 'centinela.db');
  const { dialect } = openSqlite({
    file,
    synchronous: options.sqliteSynchronous,
    busyTimeoutMs: options.busyTimeoutMs,
  });
  return wrap(new Kysely<Database>({ dialect }), 'sqlite', file);
}

function openPostgres(url: string, poolSize: number): Store {
  // pg is required here, not imported at the top: a service on SQLite (the default) never pays its ~12 MB.
  const pg = createRequire(import.meta.url)('pg') as typeof PgModule;
  const pool = new pg.Pool({
    connectionString: pgConnectionString(url),
    max: poolSize,
    // A server that does not answer (host down, firewall) fails the query instead of hanging it.
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // int8 (bigint: ids, epoch-ms times, counts) as numbers: every value we keep is far below 2^53.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === 20
          ? (v: string) => Number(v)
          : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // A client that loses its server (PostgreSQL stopped or restarted: 57P01) emits 'error'. The pool listens only
  // while the client is idle; one in use would throw it uncaught and end the process. Its query fails anyway (the
  // caller sees that), the pool drops the client, and the next query connects anew.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return wrap(new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), 'postgres', describeUrl(url));
}

function wrap(db: Kysely<Database>, kind: StoreKind, location: string): Store {
  let closed = false;
  return {
    db,
    kind,
    location,
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}

/** postgres://user@host:port/db — the password never leaves this function. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `postgres://${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return 'postgres (unparseable DATABASE_URL)';
  }
}

/**
 * The store's database seen with a module's own tables (declared in that module, created by its migration):
 * core stays ignorant of them, and the module keeps Kysely's type checking.
 */
export function withTables<T>(store: Store): Kysely<Database & T> {
  return store.db as unknown as Kysely<Database & T>;
}
