// `centinela restore`: checks a backup (manifest, checksums, schema known to this code, same kind of store), refuses
// to overwrite a store a running service uses, or one holding data without --force, then puts it in place. A
// SQLite database it replaces is kept beside it (centinela.db.before-restore-<time>), so a restore loses nothing.
import { DatabaseSync } from 'node:sqlite';
import { chmod, copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describeUrl, openStore } from '../core/store/index.ts';
import type { Store } from '../core/store/index.ts';
import { readManifest, verifyFiles } from './manifest.ts';
import { pgRestore } from './postgres.ts';
import { SQLITE_FILE } from './run.ts';

/** A heartbeat this recent from a process not stopped: a service runs on the store. */
const IN_USE_MS = 30_000;

export interface RestoreOptions {
  path: string;
  dataDir: string;
  databaseUrl?: string;
  /** Migration names this code knows: a backup with others comes from a newer version. */
  knownMigrations: readonly string[];
  pgBin: string;
  dryRun: boolean;
  force: boolean;
  now?: Date;
}

/** A restore refused before anything changed: the message says why and what to do. */
export class RestoreRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreRefused';
  }
}

/** Restores (or, with dryRun, only checks and says what it would do); returns the lines to show. */
export async function restoreBackup(o: RestoreOptions): Promise<string[]> {
  const now = o.now ?? new Date();
  const lines: string[] = [];
  const { dir, manifest } = await readManifest(o.path).catch((err: unknown) => {
    throw new RestoreRefused((err as Error).message);
  });
  lines.push(
    `backup ${dir}: ${manifest.store} ${manifest.location}, made ${manifest.created_at} by Centinela ${manifest.version}, schema ${manifest.schema.version ?? '(empty)'} (${manifest.schema.migrations.length} migrations)`,
  );
  const damaged = await verifyFiles(dir, manifest);
  if (damaged) throw new RestoreRefused(`the backup is damaged: ${damaged}; restore another one`);
  lines.push(`checksums: ${manifest.files.length} file(s) match the manifest`);
  const known = new Set(o.knownMigrations);
  const newer = manifest.schema.migrations.filter((m) => !known.has(m));
  if (newer.length > 0)
    throw new RestoreRefused(
      `the backup comes from a newer Centinela (migrations ${newer.join(', ')} are unknown to this version): install that version first, then restore`,
    );
  const kind = o.databaseUrl ? 'postgres' : 'sqlite';
  if (manifest.store !== kind)
    throw new RestoreRefused(
      `the backup is of a ${manifest.store} store but this configuration uses ${kind} (${o.databaseUrl ? 'DATABASE_URL is set' : 'DATABASE_URL is not set'}): restore it where it came from`,
    );

  const sqliteFile = join(o.dataDir, SQLITE_FILE);
  const exists = kind === 'postgres' || (await stat(sqliteFile).catch(() => null)) !== null;
  let holdsData = false;
  if (exists) {
    const store = openStore({
      dataDir: o.dataDir,
      databaseUrl: o.databaseUrl,
      sqliteSynchronous: 'normal',
      busyTimeoutMs: 5000,
      poolSize: 1,
    });
    try {
      const users = await runningProcesses(store, now.getTime());
      if (users.length > 0)
        throw new RestoreRefused(
          `the store is in use by ${users.join(', ')}: stop every Centinela process on it first (systemctl stop centinela), then restore`,
        );
      holdsData = await hasTables(store);
    } finally {
      await store.close();
    }
  }
  const target = kind === 'postgres' ? describeUrl(o.databaseUrl ?? '') : sqliteFile;
  if (holdsData && !o.force)
    throw new RestoreRefused(
      `${target} already holds a database: restore into an empty one, or add --force to replace it${kind === 'sqlite' ? ' (the current file is kept beside it)' : ''}`,
    );

  const [file] = manifest.files;
  if (!file) throw new RestoreRefused('the backup lists no file');
  const source = join(dir, file.name);
  const verb = o.dryRun ? 'would ' : '';
  if (kind === 'sqlite') {
    const kept = `${sqliteFile}.before-restore-${now.toISOString().replace(/[:.]/g, '-')}`;
    if (exists) lines.push(`${verb}move the current ${sqliteFile} (and its -wal, -shm) to ${kept}`);
    lines.push(`${verb}copy ${source} to ${sqliteFile}`);
    if (!o.dryRun) await restoreSqlite(source, sqliteFile, exists ? kept : null);
  } else {
    lines.push(
      `${verb}run pg_restore of ${source} into ${target} in one transaction${holdsData ? ', dropping the objects it restores first (--clean)' : ''}`,
    );
    if (!o.dryRun) await pgRestore(o.databaseUrl ?? '', source, o.pgBin, holdsData);
  }
  lines.push(
    o.dryRun
      ? 'dry run: nothing was changed'
      : 'restored; start the service (migrations newer than the backup run at start)',
  );
  return lines;
}

async function runningProcesses(store: Store, now: number): Promise<string[]> {
  try {
    const rows = await store.db
      .selectFrom('heartbeats')
      .select(['host', 'pid', 'module'])
      .where('state', '!=', 'stopped')
      .where('beat_at', '>', now - IN_USE_MS)
      .execute();
    return [...new Set(rows.map((r) => `${r.host} pid ${r.pid}`))];
  } catch {
    return []; // no heartbeats table: no service ever ran on it
  }
}

async function hasTables(store: Store): Promise<boolean> {
  const { sql } = await import('kysely');
  const q =
    store.kind === 'sqlite'
      ? sql<{ n: number }>`select count(*) as n from sqlite_master where type = 'table'`
      : sql<{
          n: number;
        }>`select count(*)::int as n from information_schema.tables where table_schema = current_schema()`;
  return Number((await q.execute(store.db)).rows[0]?.n ?? 0) > 0;
}

async function restoreSqlite(source: string, file: string, keepAs: string | null): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true });
  const incoming = `${file}.restoring`;
  await rm(incoming, { force: true });
  await copyFile(source, incoming);
  await chmod(incoming, 0o600);
  try {
    const check = new DatabaseSync(incoming, { readOnly: true });
    try {
      const rows = check.prepare('PRAGMA integrity_check').all() as Array<Record<string, unknown>>;
      const verdict = rows.map((r) => String(Object.values(r)[0])).join('; ');
      if (verdict !== 'ok')
        throw new RestoreRefused(`the backup's database fails SQLite's integrity check: ${verdict}`);
    } finally {
      check.close();
    }
  } catch (err) {
    await rm(incoming, { force: true });
    throw err;
  }
  if (keepAs) {
    // The -wal and -shm go with their database: left behind, they would be read as part of the restored one.
    for (const suffix of ['', '-wal', '-shm']) {
      await rename(`${file}${suffix}`, `${keepAs}${suffix}`).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    }
  }
  await rename(incoming, file);
}
