// A backup taken while another process keeps writing restores into a new folder (SQLite) or a new database
// (PostgreSQL) with every row that was committed before the backup started; the manifest's checksums are checked.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { RestoreRefused, restoreBackup, runBackup } from '../../src/backup/index.ts';
import { MIGRATIONS } from '../../src/main.ts';
import { createDatabase } from '../support/postgres.ts';
import { REPO, tempDir } from '../support/service.ts';
import { openSpec } from '../support/store-spec.ts';
import type { StoreSpec } from '../support/store-spec.ts';
import { STORE_KINDS, createTestStore, eventually } from '../support/stores.ts';
import type { TestStore } from '../support/stores.ts';

const known = MIGRATIONS.map((m) => m.name);

function startWriter(spec: StoreSpec): { child: ChildProcess; committed: () => number; stop: () => Promise<void> } {
  const child = spawn(process.execPath, [join(REPO, 'test/support/backup-writer-child.ts')], {
    env: { ...process.env, WRITER_SPEC: JSON.stringify(spec) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let last = 0;
  let pending = '';
  child.stdout?.on('data', (d: Buffer) => {
    pending += d.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const l of lines) if (l) last = Number(l);
  });
  const exited = new Promise<void>((ok) => child.on('exit', () => ok()));
  return {
    child,
    committed: () => last,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

describe.each(STORE_KINDS)('backup and restore on %s', (kind) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('backs up under write load and restores every row committed before the backup started', async () => {
    const t: TestStore = await createTestStore(kind);
    cleanups.push(() => t.cleanup());
    await sql`create table load_rows (id integer primary key, payload text not null)`.execute(t.store.db);
    const writer = startWriter(t.spec);
    cleanups.push(() => writer.stop());
    await eventually(() => writer.committed() >= 300, 'the writer to commit 300 rows', 60_000);

    const before = writer.committed();
    const dir = tempDir('centinela-backups-');
    const result = await runBackup({
      store: t.store,
      databaseUrl: t.spec.databaseUrl,
      dir,
      keep: 3,
      version: 'test',
      pgBin: '',
    });
    const during = writer.committed();
    await writer.stop();
    expect(during, 'the writer kept writing while the backup ran').toBeGreaterThan(before);
    expect(result.manifest.store).toBe(kind);
    expect(result.manifest.schema.migrations).toEqual(known);
    expect(result.manifest.files[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);

    // Restore into a new, empty place.
    const target: StoreSpec = { kind, dataDir: tempDir('centinela-restored-') };
    if (kind === 'postgres') {
      const db = await createDatabase(inject('postgresUrl'));
      cleanups.push(() => db.drop());
      target.databaseUrl = db.url;
    }
    const lines = await restoreBackup({
      path: result.path,
      dataDir: target.dataDir,
      databaseUrl: target.databaseUrl,
      knownMigrations: known,
      pgBin: '',
      dryRun: false,
      force: false,
    });
    expect(lines.join('\n')).toMatch(/checksums: 1 file\(s\) match/);
    const restored = await openSpec(target);
    cleanups.push(() => restored.close());
    const rows = await sql<{ id: number }>`select id from load_rows order by id`.execute(restored.db);
    const ids = rows.rows.map((r) => Number(r.id));
    for (let id = 1; id <= before; id++) expect(ids[id - 1], `row ${id}`).toBe(id);
    // A consistent snapshot: no gap among what it holds, and nothing past what had committed by its end.
    expect(ids.length).toBeLessThanOrEqual(during);
    expect(ids.at(-1)).toBe(ids.length);
  }, 120_000);

  it('refuses a damaged backup, a store in use, and a store with data without --force; --dry-run changes nothing', async () => {
    const t: TestStore = await createTestStore(kind);
    cleanups.push(() => t.cleanup());
    await sql`create table load_rows (id integer primary key, payload text not null)`.execute(t.store.db);
    await sql`insert into load_rows (id, payload) values (1, 'one')`.execute(t.store.db);
    const dir = tempDir('centinela-backups-');
    const { path, manifest } = await runBackup({
      store: t.store,
      databaseUrl: t.spec.databaseUrl,
      dir,
      keep: 3,
      version: 'test',
      pgBin: '',
    });
    const options = {
      path,
      dataDir: t.spec.dataDir,
      databaseUrl: t.spec.databaseUrl,
      knownMigrations: known,
      pgBin: '',
      dryRun: false,
      force: false,
    };
    // Into the store it came from: it holds data.
    await expect(restoreBackup(options)).rejects.toThrow(/already holds a database: .*--force/);
    // A running service (a fresh heartbeat) is never overwritten, even with --force.
    const now = Date.now();
    await t.store.db
      .insertInto('heartbeats')
      .values({
        id: 'h:1:x:bot',
        module: 'bot',
        host: 'h',
        pid: 1,
        state: 'running',
        detail: null,
        started_at: now,
        beat_at: now,
      })
      .execute();
    await expect(restoreBackup({ ...options, force: true })).rejects.toThrow(/in use by h pid 1: stop every/);
    await t.store.db.deleteFrom('heartbeats').execute();
    // --dry-run says what it would do and does not do it.
    await sql`insert into load_rows (id, payload) values (2, 'two')`.execute(t.store.db);
    const plan = await restoreBackup({ ...options, force: true, dryRun: true });
    expect(plan.join('\n')).toMatch(/would /);
    expect(plan.at(-1)).toBe('dry run: nothing was changed');
    const count = async () =>
      Number((await sql<{ n: number }>`select count(*) as n from load_rows`.execute(t.store.db)).rows[0]?.n);
    expect(await count()).toBe(2);
    // A file that does not match its checksum.
    const file = join(path, manifest.files[0]?.name ?? '');
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    writeFileSync(file, bytes);
    const damaged = restoreBackup({ ...options, force: true });
    await expect(damaged).rejects.toBeInstanceOf(RestoreRefused);
    await expect(damaged).rejects.toThrow(/the backup is damaged: .* does not match its sha256/);
  }, 60_000);
});

describe('restore --force on SQLite', () => {
  it('replaces a store that holds data and keeps the replaced one beside it', async () => {
    const t = await createTestStore('sqlite');
    try {
      await sql`create table load_rows (id integer primary key, payload text not null)`.execute(t.store.db);
      await sql`insert into load_rows (id, payload) values (1, 'in the backup')`.execute(t.store.db);
      const { path } = await runBackup({
        store: t.store,
        dir: tempDir('centinela-backups-'),
        keep: 3,
        version: 'test',
        pgBin: '',
      });
      await sql`insert into load_rows (id, payload) values (2, 'after the backup')`.execute(t.store.db);
      await t.store.close(); // the service stopped
      await restoreBackup({
        path,
        dataDir: t.spec.dataDir,
        knownMigrations: known,
        pgBin: '',
        dryRun: false,
        force: true,
      });
      const restored = await t.open();
      const ids = await sql<{ id: number }>`select id from load_rows order by id`.execute(restored.db);
      expect(ids.rows.map((r) => Number(r.id))).toEqual([1]);
      const kept = readdirSync(t.spec.dataDir).find((n) => /^centinela\.db\.before-restore-[\dTZ-]+$/.test(n));
      expect(kept).toBeDefined();
      const before = await openStoreFile(join(t.spec.dataDir, kept ?? ''));
      expect(before).toEqual([1, 2]);
    } finally {
      await t.cleanup();
    }
  }, 60_000);
});

async function openStoreFile(file: string): Promise<number[]> {
  const { DatabaseSync } = await import('node:sqlite');
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return (db.prepare('select id from load_rows order by id').all() as Array<{ id: number }>).map((r) => r.id);
  } finally {
    db.close();
  }
}
