// Versioned migrations, the same on SQLite and PostgreSQL. Each capability brings its own list;
// names sort globally (0001_core, 0100_intake, …) and Kysely records which ran.
import { Migrator } from 'kysely';
import type { CreateTableBuilder, Kysely, Migration, MigrationProvider } from 'kysely';
import type { StoreKind } from './open.ts';
import { refuseNewerSchema } from './schema-version.ts';

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

/**
 * Runs the pending migrations one at a time, each in its own transaction with its record in the migrations table
 * (both stores: a migration that fails leaves nothing half-done, and those before it stay applied). A database
 * migrated by a newer version is refused first (SchemaTooNewError).
 */
export async function migrateToLatest(
  db: Kysely<unknown>,
  kind: StoreKind,
  migrations: readonly StoreMigration[],
): Promise<string[]> {
  await refuseNewerSchema(
    db,
    migrations.map((m) => m.name),
  );
  const m = migrator(db, kind, migrations);
  const ran: string[] = [];
  for (let busy = 0; ; ) {
    const { error, results } = await m.migrateUp();
    if (error) {
      // Another process (on SQLite) migrating at the same moment: its transaction wins; look again once it is done.
      if (kind === 'sqlite' && isSqliteBusy(error) && busy++ < 50) {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      const failed = results?.find((r) => r.status === 'Error')?.migrationName;
      // No migration ran: the store itself failed (unreachable, refused the login): that error as it is.
      if (!failed) throw error;
      throw new Error(`database migration ${failed} failed: ${(error as Error).message ?? String(error)}`, {
        cause: error,
      });
    }
    const done = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    if (done.length === 0) return ran;
    ran.push(...done);
  }
}

function isSqliteBusy(err: unknown): boolean {
  const message = (err as { message?: unknown })?.message;
  return typeof message === 'string' && /database is locked|SQLITE_BUSY/i.test(message);
}

/** Names of migrations that have not run yet (for `centinela doctor`). */
export async function pendingMigrations(
  db: Kysely<unknown>,
  kind: StoreKind,
  migrations: readonly StoreMigration[],
): Promise<string[]> {
  await refuseNewerSchema(
    db,
    migrations.map((m) => m.name),
  );
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
