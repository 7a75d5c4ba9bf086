// Which migrations a database has run, against the ones this code knows: a database migrated by a newer Centinela
// is refused at start (its tables may hold what this code would misread or overwrite), with what to do about it.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { ConfigError } from '../config-error.ts';

/** The database has run migrations this code does not have: exit 78, restarting will not help. */
export class SchemaTooNewError extends ConfigError {
  readonly unknown: string[];
  constructor(unknown: string[], newestKnown: string | null) {
    const line =
      `the database was migrated by a newer Centinela: migration${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} ` +
      `${unknown.length > 1 ? 'are' : 'is'} not known to this version (its newest is ${newestKnown ?? 'none'}); ` +
      'upgrade Centinela to the version that wrote it, or restore a backup made by this version (`centinela restore`)';
    super([line]);
    this.message = line;
    this.name = 'SchemaTooNewError';
    this.unknown = unknown;
  }
}

/** Names of the migrations the database has run, in name order; [] before the first migration. */
export async function executedMigrations(db: Kysely<unknown>): Promise<string[]> {
  try {
    const rows = await sql<{ name: string }>`select name from migrations order by name`.execute(db);
    return rows.rows.map((r) => r.name);
  } catch (err) {
    // No migrations table yet (SQLite: "no such table", PostgreSQL: 42P01): a new database.
    const e = err as { code?: unknown; message?: unknown };
    if (e?.code === '42P01' || (typeof e?.message === 'string' && e.message.includes('no such table'))) return [];
    throw err;
  }
}

/** Throws SchemaTooNewError when the database has run a migration that `known` does not list. */
export async function refuseNewerSchema(db: Kysely<unknown>, known: readonly string[]): Promise<void> {
  const names = new Set(known);
  const unknown = (await executedMigrations(db)).filter((n) => !names.has(n));
  if (unknown.length > 0) throw new SchemaTooNewError(unknown, [...known].sort().at(-1) ?? null);
}
