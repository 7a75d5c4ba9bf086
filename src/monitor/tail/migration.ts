// The tailer's own table: one checkpoint per log file it reads (where it is, and how to know the file again),
// plus retired checkpoints of files truncated by copy-truncate, so that their rotated copy continues, not restarts.
import type { StoreMigration } from '../../core/store/index.ts';

/** live: a file being read; retired: the state of a file before it was truncated; gone: finished, pruned later. */
export type CheckpointState = 'live' | 'retired' | 'gone';

export interface TailCheckpointsTable {
  /** `dev:ino` for a file; `dev:ino@<fingerprint prefix>` for a retired checkpoint. */
  id: string;
  path: string;
  /** Device and inode as decimal text: an inode may not fit a double, and text compares the same on both stores. */
  dev: string;
  ino: string;
  /** sha256 (hex) of the first fp_len bytes (up to 1 KiB). */
  fingerprint: string;
  fp_len: number;
  /** The first byte not yet delivered: a restart reads on from here. */
  byte_offset: number;
  state: CheckpointState;
  updated_at: number;
}

export interface TailTables {
  tail_checkpoints: TailCheckpointsTable;
}

export const tailMigration: StoreMigration = {
  name: '0500_monitor_tail',
  async up(db) {
    await db.schema
      .createTable('tail_checkpoints')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('dev', 'text', (c) => c.notNull())
      .addColumn('ino', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('fp_len', 'integer', (c) => c.notNull())
      .addColumn('byte_offset', 'bigint', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
