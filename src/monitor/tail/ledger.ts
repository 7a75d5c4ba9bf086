// The tailer's bookkeeping of checkpoints: the files it reads, the rows it loaded at start, and the retired
// checkpoints of truncated files. It says which rows changed since they were last written.
import type { CheckpointRow } from './checkpoints.ts';
import type { TailFile } from './file-reader.ts';

/** Retired checkpoints kept in memory; older ones stay in the store until pruned. */
const MAX_RETIRED = 100;
/** Finished files remembered in memory, should one be found again (renamed back, a folder readable again). */
const MAX_KNOWN = 1000;

export class Ledger {
  /** Files read now (live or draining), and finished ones until their last row is written. */
  readonly files = new Map<string, TailFile>();
  /** Rows loaded at start and not yet matched to a file, by id (device:inode). */
  readonly known = new Map<string, CheckpointRow>();
  /** Retired checkpoints, newest first, that no copy has continued yet. */
  retired: CheckpointRow[] = [];
  /** Paths read before (now or in an earlier run): a new file there is read from its start. */
  readonly seenPaths = new Set<string>();
  /** Rows to write besides the files' own: retired ones, consumed ones, vanished ones. */
  #extra = new Map<string, CheckpointRow>();

  load(rows: readonly CheckpointRow[]): void {
    for (const row of rows) {
      this.seenPaths.add(row.path);
      if (row.state === 'retired') this.retired.push(row);
      else this.known.set(row.id, row);
    }
    this.retired.sort((a, b) => b.updated_at - a.updated_at);
    this.retired.length = Math.min(this.retired.length, MAX_RETIRED);
  }

  add(file: TailFile): void {
    this.files.set(file.id.key, file);
    this.seenPaths.add(file.source);
    this.known.delete(file.id.key);
  }

  /** Keeps a file's state before its truncation, so that its rotated copy continues from `offset`. */
  retire(row: Omit<CheckpointRow, 'id' | 'state'>): void {
    const retired: CheckpointRow = {
      ...row,
      id: `${row.dev}:${row.ino}@${row.fingerprint.slice(0, 16)}`,
      state: 'retired',
    };
    this.retired = [retired, ...this.retired.filter((r) => r.id !== retired.id)].slice(0, MAX_RETIRED);
    this.#extra.set(retired.id, retired);
  }

  /** A copy continued this retired checkpoint: it is done. */
  consume(row: CheckpointRow, now: number): void {
    this.retired = this.retired.filter((r) => r !== row);
    this.#extra.set(row.id, { ...row, state: 'gone', updated_at: now });
  }

  /** Rows loaded at start whose file was not found in the first pass: finished (pruned after a while). */
  forgetUnseen(now: number): void {
    for (const row of this.known.values())
      if (row.state === 'live') this.#extra.set(row.id, { ...row, state: 'gone', updated_at: now });
  }

  /** Every row that differs from what was last written. */
  dirtyRows(now: number): CheckpointRow[] {
    const rows = [...this.#extra.values()];
    for (const f of this.files.values()) {
      const row = rowOf(f, now);
      if (signature(row) !== f.savedRow) rows.push(row);
    }
    return rows;
  }

  /** The rows were written: remember them, and drop finished files whose last row is written. */
  saved(rows: readonly CheckpointRow[]): void {
    for (const row of rows) {
      this.#extra.delete(row.id);
      const f = this.files.get(row.id);
      if (!f) continue;
      f.savedRow = signature(row);
      if (row.state !== 'gone') continue;
      this.files.delete(row.id);
      this.known.set(row.id, row);
      if (this.known.size > MAX_KNOWN) this.known.delete(this.known.keys().next().value ?? '');
    }
  }
}

function rowOf(f: TailFile, now: number): CheckpointRow {
  // A finished file is gone only once everything it held is delivered.
  const gone = f.status === 'finished' && f.acked >= f.durablePos;
  return {
    id: f.id.key,
    path: f.source,
    dev: f.id.dev,
    ino: f.id.ino,
    fingerprint: f.fp.hash,
    fp_len: f.fp.len,
    byte_offset: f.acked,
    state: gone ? 'gone' : 'live',
    updated_at: now,
  };
}

function signature(row: CheckpointRow): string {
  return `${row.path}\0${row.fingerprint}\0${row.fp_len}\0${row.byte_offset}\0${row.state}`;
}
