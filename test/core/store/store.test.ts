// Migrations and store behaviour that must be identical on SQLite and PostgreSQL.
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, pendingMigrations } from '../../../src/core/store/index.ts';
import type { StoreMigration } from '../../../src/core/store/index.ts';
import { MIGRATIONS } from '../../../src/main.ts';
import { STORE_KINDS, createTestStore } from '../../support/stores.ts';
import type { TestStore } from '../../support/stores.ts';

describe.each(STORE_KINDS)('store on %s', (kind) => {
  let t: TestStore | null = null;
  afterEach(async () => {
    await t?.cleanup();
    t = null;
  });

  it('has run every migration once, and running them again changes nothing', async () => {
    t = await createTestStore(kind);
    const db = t.store.db as never;
    expect(await pendingMigrations(db, t.store.kind, MIGRATIONS)).toEqual([]);
    expect(await migrateToLatest(db, t.store.kind, MIGRATIONS)).toEqual([]);
    const ran = await sql<{ name: string }>`select name from migrations order by name`.execute(t.store.db);
    expect(ran.rows.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
  });

  it('runs a migration a later capability adds, and reports it as pending before', async () => {
    t = await createTestStore(kind);
    const db = t.store.db as never;
    const later: StoreMigration = {
      name: '0900_later',
      async up(d) {
        await d.schema
          .createTable('later_things')
          .addColumn('id', 'integer', (c) => c.primaryKey())
          .execute();
      },
    };
    expect(await pendingMigrations(db, t.store.kind, [...MIGRATIONS, later])).toEqual(['0900_later']);
    expect(await migrateToLatest(db, t.store.kind, [...MIGRATIONS, later])).toEqual(['0900_later']);
    await sql`insert into later_things (id) values (1)`.execute(t.store.db);
    const rows = await sql<{ n: number }>`select count(*) as n from later_things`.execute(t.store.db);
    expect(Number(rows.rows[0]?.n)).toBe(1);
  });

  it('names a failing migration in its error', async () => {
    t = await createTestStore(kind);
    const broken: StoreMigration = {
      name: '0901_broken',
      async up(d) {
        await sql`create table jobs (id integer)`.execute(d); // jobs exists already
      },
    };
    await expect(migrateToLatest(t.store.db as never, t.store.kind, [...MIGRATIONS, broken])).rejects.toThrow(
      /migration 0901_broken failed/,
    );
  });

  it('enforces one live job per key in the database itself', async () => {
    t = await createTestStore(kind);
    const now = Date.now();
    const row = (
      state: string,
    ) => sql`insert into jobs (queue, payload, key, state, priority, run_at, attempts, max_attempts, backoff_base_ms, backoff_cap_ms, created_at, updated_at)
      values ('q', '{}', 'same', ${state}, 0, ${now}, 0, 1, 1, 1, ${now}, ${now})`;
    await row('done').execute(t.store.db);
    await row('done').execute(t.store.db); // finished jobs may share a key
    await row('waiting').execute(t.store.db);
    await expect(row('active').execute(t.store.db)).rejects.toThrow();
  });

  it('returns integer times and ids as numbers', async () => {
    t = await createTestStore(kind);
    const now = Date.now();
    await sql`insert into heartbeats (id, module, host, pid, state, started_at, beat_at) values ('x', 'm', 'h', 1, 'running', ${now}, ${now})`.execute(
      t.store.db,
    );
    const beat = await t.store.db.selectFrom('heartbeats').selectAll().executeTakeFirstOrThrow();
    expect(beat.beat_at).toBe(now);
    expect(typeof beat.beat_at).toBe('number');
  });
});
