// One backup: the store copied consistently while the service keeps writing (SQLite: VACUUM INTO, which reads one
// snapshot; PostgreSQL: pg_dump, which does the same), into a folder that appears complete or not at all, then the
// oldest beyond backup.keep deleted.
import { DatabaseSync } from 'node:sqlite';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { executedMigrations } from '../core/store/index.ts';
import type { Store } from '../core/store/index.ts';
import { MANIFEST_NAME, describeFile } from './manifest.ts';
import type { Manifest } from './manifest.ts';
import { pgDump } from './postgres.ts';

export const SQLITE_FILE = 'centinela.db';
export const PG_FILE = 'centinela.dump';
const PREFIX = 'centinela-';

export interface BackupOptions {
  store: Store;
  /** The SQLite file (SQLite) — the store's location. */
  databaseUrl?: string;
  /** Folder that holds the backups. */
  dir: string;
  keep: number;
  version: string;
  pgBin: string;
  now?: Date;
}

export interface BackupResult {
  path: string;
  manifest: Manifest;
  deleted: string[];
}

/** Folder name of a backup made at `at`: sorts by time. */
export function backupName(at: Date): string {
  return `${PREFIX}${at.toISOString().replace(/[:.]/g, '-')}`;
}

export async function runBackup(o: BackupOptions): Promise<BackupResult> {
  const at = o.now ?? new Date();
  await mkdir(o.dir, { recursive: true, mode: 0o700 });
  const name = backupName(at);
  const partial = join(o.dir, `.${name}.partial`);
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { mode: 0o700 });
  try {
    let file: string;
    if (o.store.kind === 'sqlite') {
      file = join(partial, SQLITE_FILE);
      vacuumInto(o.store.location, file);
    } else {
      if (!o.databaseUrl) throw new Error('a PostgreSQL backup needs DATABASE_URL');
      file = join(partial, PG_FILE);
      await pgDump(o.databaseUrl, file, o.pgBin);
    }
    const migrations = await executedMigrations(o.store.db as never);
    const manifest: Manifest = {
      format: 1,
      created_at: at.toISOString(),
      version: o.version,
      store: o.store.kind,
      location: o.store.location,
      schema: { version: migrations.at(-1) ?? null, migrations },
      files: [await describeFile(file)],
    };
    await writeFile(join(partial, MANIFEST_NAME), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    const path = join(o.dir, name);
    await rename(partial, path);
    return { path, manifest, deleted: await prune(o.dir, o.keep) };
  } catch (err) {
    await rm(partial, { recursive: true, force: true });
    throw err;
  }
}

/** A consistent copy of a live SQLite database, on a connection of its own (the service's is busy). */
function vacuumInto(source: string, target: string): void {
  const db = new DatabaseSync(source, { readOnly: true, timeout: 30_000 });
  try {
    db.prepare('VACUUM INTO ?').run(target);
  } finally {
    db.close();
  }
}

/** Complete backups in `dir`, newest first. */
export async function listBackups(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const complete: string[] = [];
  for (const n of names
    .filter((x) => x.startsWith(PREFIX))
    .sort()
    .reverse()) {
    if (await stat(join(dir, n, MANIFEST_NAME)).catch(() => null)) complete.push(join(dir, n));
  }
  return complete;
}

async function prune(dir: string, keep: number): Promise<string[]> {
  const old = (await listBackups(dir)).slice(keep);
  for (const path of old) await rm(path, { recursive: true, force: true });
  return old;
}
