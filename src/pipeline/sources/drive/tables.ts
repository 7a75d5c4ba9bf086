// The Drive source's tables: sync_state (the page tokens, the listing in progress, the last sync time, the lock and
// the last run), drive_files (every Drive file seen: what was taken of it, by checksum, and where it stands) and
// drive_folders (the folder map of the watched tree).
import type { Selectable } from 'kysely';
import type { StoreMigration } from '../../../core/store/index.ts';

export interface SyncStateTable {
  key: string;
  value: string;
  updated_at: number;
}

/** in: in the watched tree; trashed, removed (deleted or unshared), out (moved out): never deleted here. */
export type DriveFileState = 'in' | 'trashed' | 'removed' | 'out';
/** What became of the file's content last seen: taken into the intake, ignored (with a reason), or failed. */
export type DriveTake = 'taken' | 'ignored' | 'failed';

export interface DriveFilesTable {
  id: string;
  name: string;
  folder_path: string;
  mime_type: string;
  modified_time: string;
  /** Drive's md5 (or sha256), or `v<version>` for a Google document: what "new content" is measured by. */
  checksum: string;
  /** The checksum last taken, ignored or failed, and what became of it. */
  take: DriveTake;
  reason: string | null;
  intake_file_id: number | null;
  attempts: number;
  state: DriveFileState;
  updated_at: number;
}

export interface DriveFoldersTable {
  id: string;
  parent_id: string | null;
  name: string;
  path: string;
  root_id: string;
  drive_id: string | null;
  updated_at: number;
}

export interface DriveTables {
  sync_state: SyncStateTable;
  drive_files: DriveFilesTable;
  drive_folders: DriveFoldersTable;
}

export type DriveFileRow = Selectable<DriveFilesTable>;
export type DriveFolderRow = Selectable<DriveFoldersTable>;

export const driveMigration: StoreMigration = {
  name: '0700_drive_sync',
  async up(db) {
    await db.schema
      .createTable('sync_state')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('drive_files')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('folder_path', 'text', (c) => c.notNull())
      .addColumn('mime_type', 'text', (c) => c.notNull())
      .addColumn('modified_time', 'text', (c) => c.notNull())
      .addColumn('checksum', 'text', (c) => c.notNull())
      .addColumn('take', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('intake_file_id', 'bigint')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('drive_files_failed').on('drive_files').columns(['take', 'state']).execute();
    await db.schema
      .createTable('drive_folders')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('parent_id', 'text')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('root_id', 'text', (c) => c.notNull())
      .addColumn('drive_id', 'text')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
