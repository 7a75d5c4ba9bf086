// The Drive source's named reads and writes of its tables (tables.ts). Writes that must land with the intake's
// recording take its transaction.
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import { processAlive } from '../../../core/process-alive.ts';
import { withTables } from '../../../core/store/index.ts';
import type { Database, Store } from '../../../core/store/index.ts';
import type { DriveFileRow, DriveFolderRow, DriveTables } from './tables.ts';

export type Db = Kysely<Database & DriveTables>;

/** The lock a run holds in sync_state: who, and until when unless renewed. */
export interface LockHolder {
  pid: number;
  host: string;
  since: number;
  until: number;
  /** cli or service, for "a sync is already running (since …, cli pid 812)". */
  by: string;
}

const IN_CHUNK = 500;

export class DriveState {
  readonly db: Db;

  constructor(store: Store) {
    this.db = withTables<DriveTables>(store);
  }

  /** The db to write with: a transaction handed over by the intake, or the store. */
  on(trx?: Kysely<Database>): Db {
    return (trx as Db | undefined) ?? this.db;
  }

  async get(key: string): Promise<string | null> {
    const row = await this.db.selectFrom('sync_state').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value ?? null;
  }

  async set(values: Record<string, string | null>, trx?: Kysely<Database>): Promise<void> {
    const db = this.on(trx);
    const now = Date.now();
    for (const [key, value] of Object.entries(values)) {
      if (value === null) await db.deleteFrom('sync_state').where('key', '=', key).execute();
      else
        await db
          .insertInto('sync_state')
          .values({ key, value, updated_at: now })
          .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
          .execute();
    }
  }

  /** Takes the run lock, or returns who holds it. A holder past its time, or dead on this host, is replaced. */
  async lock(by: string, ttlMs: number): Promise<{ ok: true; value: string } | { ok: false; holder: LockHolder }> {
    const now = Date.now();
    const mine: LockHolder = { pid: process.pid, host: hostname(), since: now, until: now + ttlMs, by };
    const value = JSON.stringify(mine);
    const row = await this.db.selectFrom('sync_state').select('value').where('key', '=', 'lock').executeTakeFirst();
    if (!row) {
      const r = await this.db
        .insertInto('sync_state')
        .values({ key: 'lock', value, updated_at: now })
        .onConflict((oc) => oc.column('key').doNothing())
        .executeTakeFirst();
      if (Number(r.numInsertedOrUpdatedRows ?? 0) === 1) return { ok: true, value };
      return this.lock(by, ttlMs);
    }
    const holder = JSON.parse(row.value) as LockHolder;
    const dead = holder.host === mine.host && holder.pid !== process.pid && !processAlive(holder.pid);
    if (holder.until > now && !dead) return { ok: false, holder };
    // Compare-and-set: of two runs replacing a stale holder at once, one wins.
    const r = await this.db
      .updateTable('sync_state')
      .set({ value, updated_at: now })
      .where('key', '=', 'lock')
      .where('value', '=', row.value)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1 ? { ok: true, value } : this.lock(by, ttlMs);
  }

  /** Extends a held lock; returns its new value, or null when it is no longer ours. */
  async renewLock(current: string, ttlMs: number): Promise<string | null> {
    const holder = JSON.parse(current) as LockHolder;
    const value = JSON.stringify({ ...holder, until: Date.now() + ttlMs });
    const r = await this.db
      .updateTable('sync_state')
      .set({ value, updated_at: Date.now() })
      .where('key', '=', 'lock')
      .where('value', '=', current)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1 ? value : null;
  }

  async unlock(current: string): Promise<void> {
    await this.db.deleteFrom('sync_state').where('key', '=', 'lock').where('value', '=', current).execute();
  }

  async files(ids: readonly string[]): Promise<Map<string, DriveFileRow>> {
    const out = new Map<string, DriveFileRow>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += IN_CHUNK) {
      const rows = await this.db
        .selectFrom('drive_files')
        .selectAll()
        .where('id', 'in', unique.slice(i, i + IN_CHUNK))
        .execute();
      for (const r of rows) out.set(r.id, r);
    }
    return out;
  }

  async putFiles(rows: readonly DriveFileRow[], trx?: Kysely<Database>): Promise<void> {
    const db = this.on(trx);
    for (const row of rows) {
      const { id: _id, ...rest } = row;
      await db
        .insertInto('drive_files')
        .values(row)
        .onConflict((oc) => oc.column('id').doUpdateSet(rest))
        .execute();
    }
  }

  /** Files whose last take failed before `before` (not in this run), still in the tree, with tries left. */
  async failedFiles(maxAttempts: number, limit: number, before: number): Promise<DriveFileRow[]> {
    return this.db
      .selectFrom('drive_files')
      .selectAll()
      .where('take', '=', 'failed')
      .where('state', '=', 'in')
      .where('attempts', '<', maxAttempts)
      .where('updated_at', '<', before)
      .orderBy('updated_at')
      .limit(limit)
      .execute();
  }

  async folders(): Promise<DriveFolderRow[]> {
    return this.db.selectFrom('drive_folders').selectAll().execute();
  }

  async putFolders(rows: readonly DriveFolderRow[], gone: readonly string[], trx?: Kysely<Database>): Promise<void> {
    const db = this.on(trx);
    for (let i = 0; i < gone.length; i += IN_CHUNK)
      await db
        .deleteFrom('drive_folders')
        .where('id', 'in', gone.slice(i, i + IN_CHUNK))
        .execute();
    for (const row of rows) {
      const { id: _id, ...rest } = row;
      await db
        .insertInto('drive_folders')
        .values(row)
        .onConflict((oc) => oc.column('id').doUpdateSet(rest))
        .execute();
    }
  }

  /** --reset-state: tokens, listing, last sync time and the folder map go; what was taken is kept (no duplicates). */
  async reset(): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('sync_state').where('key', 'not in', ['lock', 'last_run']).execute();
      await trx.deleteFrom('drive_folders').execute();
    });
  }
}
