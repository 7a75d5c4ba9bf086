// A database migrated by a newer Centinela is refused with what to do (exit 78 from the CLI); each migration runs
// in its own transaction, so one that fails halfway leaves nothing behind and those before it stay applied.
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { SchemaTooNewError, migrateToLatest, pendingMigrations } from '../../../src/core/store/index.ts';
import type { StoreMigration } from '../../../src/core/store/index.ts';
import { MIGRATIONS } from '../../../src/main.ts';
import { runCli, tempDir } from '../../support/service.ts';
import { STORE_KINDS, createTestStore } from '../../support/stores.ts';
import type { TestStore } from '../../support/stores.ts';

const table = (name: string): StoreMigration => ({
  name,
  async up(d) {
    await d.schema
      .createTable(`t_${name}`)
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .execute();
  },
});

async function tableExists(t: TestStore, name: string): Promise<boolean> {
  const q =
    t.store.kind === 'sqlite'
      ? sql<{ n: number }>`select count(*) as n from sqlite_master where type = 'table' and name = ${name}`
      : sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_name = ${name}`;
  return Number((await q.execute(t.store.db)).rows[0]?.n) > 0;
}

describe.each(STORE_KINDS)('schema safety on %s', (kind) => {
  let t: TestStore | null = null;
  afterEach(async () => {
    await t?.cleanup();
    t = null;
  });

  it('refuses a database that ran a migration this code does not know, naming it and what to do', async () => {
    t = await createTestStore(kind);
    const db = t.store.db as never;
    await migrateToLatest(db, t.store.kind, [...MIGRATIONS, table('0950_future')]);
    const refusal = migrateToLatest(db, t.store.kind, MIGRATIONS);
    await expect(refusal).rejects.toBeInstanceOf(SchemaTooNewError);
    await expect(refusal).rejects.toThrow(/migration 0950_future is not known to this version/);
    await expect(refusal).rejects.toThrow(/upgrade Centinela .* or restore a backup made by this version/);
    await expect(pendingMigrations(db, t.store.kind, MIGRATIONS)).rejects.toBeInstanceOf(SchemaTooNewError);
  });

  it('runs each migration in its own transaction: a failure rolls back only its own changes', async () => {
    t = await createTestStore(kind);
    const db = t.store.db as never;
    const halfway: StoreMigration = {
      name: '0961_halfway',
      async up(d) {
        await d.schema
          .createTable('t_halfway')
          .addColumn('id', 'integer', (c) => c.primaryKey())
          .execute();
        await sql`create table jobs (id integer)`.execute(d); // jobs exists: fails after the first table
      },
    };
    await expect(migrateToLatest(db, t.store.kind, [...MIGRATIONS, table('0960_before'), halfway])).rejects.toThrow(
      /migration 0961_halfway failed/,
    );
    expect(await tableExists(t, 't_0960_before')).toBe(true);
    expect(await tableExists(t, 't_halfway')).toBe(false);
    expect(await pendingMigrations(db, t.store.kind, [...MIGRATIONS, table('0960_before'), halfway])).toEqual([
      '0961_halfway',
    ]);
    // Fixed, the same migration runs from a clean start.
    const fixed = { ...table('0961_halfway') };
    expect(await migrateToLatest(db, t.store.kind, [...MIGRATIONS, table('0960_before'), fixed])).toEqual([
      '0961_halfway',
    ]);
  });
});

describe('centinela start on a database newer than the code', () => {
  it('exits 78 with one line naming the migration and what to do; doctor says the same', async () => {
    const cwd = tempDir('centinela-newer-');
    const t = await createTestStoreAt(cwd);
    try {
      await migrateToLatest(t.store.db as never, 'sqlite', [...MIGRATIONS, table('0950_future')]);
    } finally {
      await t.store.close();
    }
    const r = await runCli(['start'], { cwd, env: { CENTINELA_PATHS_DATA: t.dataDir } });
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/centinela: the database was migrated by a newer Centinela: migration 0950_future/);
    expect(r.stderr).toMatch(/centinela restore/);
    const doctor = await runCli(['doctor'], { cwd, env: { CENTINELA_PATHS_DATA: t.dataDir } });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/✗ the database was migrated by a newer Centinela: migration 0950_future/);
  }, 60_000);
});

async function createTestStoreAt(cwd: string) {
  const { openSpec } = await import('../../support/store-spec.ts');
  const dataDir = `${cwd}/data`;
  return { dataDir, store: await openSpec({ kind: 'sqlite', dataDir }) };
}
