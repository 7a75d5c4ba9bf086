// Versioned migrations, the same on SQLite and PostgreSQL. Each capability brings its own list;
// names sort globally (0001_core, 0100_intake, …) and Kysely records which ran.
import { Migrator } from 'kysely';
import type { CreateTableBuilder, Kysely, Migration, MigrationProvider } from 'kysely';
import type { StoreKind } from './open.ts';

export interface StoreMigration {
  name: string;
  up(db: Kysely<unknown>, kind: StoreKind): Promise<void>;
}

export function migrator(db: Kysely<unknown>, kind: StoreKind, migrations: readonly StoreMigration[]): Migrator {
  const provider: MigrationProvider = {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const m of migrations) {
        if (out[m.name]) throw new Error(`two migrations are named ${m.name}`);
        out[m.name] = { up: (d) => m.up(d, kind) };
      }
      return out;
    },
  };
  return new Migrator({ db, provider, migrationTableName: 'migrations', migrationLockTableName: 'migrations_lock' });
}

export async function migrateToLatest(
  db: Kysely<unknown>,
  kind: StoreKind,
  migrations: readonly StoreMigration[],
): Promise<string[]> {
  const { error, results } = await migrator(db, kind, migrations).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    // No migration ran: the store itself failed (unreachable, refused the login): that error as it is.
    if (!failed) throw error;
    throw new Error(`database migration ${failed} failed: ${(error as Error).message ?? String(error)}`, {
      cause: error,
    });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Names of migrations that have not run yet (for `centinela doctor`). */
export async function pendingMigrations(
  db: Kysely<unknown>,
  kind: StoreKind,
  migrations: readonly StoreMigration[],
): Promise<string[]> {
  const list = await migrator(db, kind, migrations).getMigrations();
  return list.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

/** An auto-increment `id` primary key: bigserial on PostgreSQL, INTEGER PRIMARY KEY AUTOINCREMENT on SQLite (ids never reused). */
export function addAutoId<TB extends string>(
  table: CreateTableBuilder<TB>,
  kind: StoreKind,
): CreateTableBuilder<TB, 'id'> {
  return kind === 'postgres'
    ? table.addColumn('id', 'bigserial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}
