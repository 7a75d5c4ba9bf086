// Reading and writing item outcomes. A pipeline records an item's outcome in the same transaction as the record
// it made (see outcomeValues), so a crash never leaves one without the other; errors are recorded on their own.
import type { Kysely } from 'kysely';
import { withTables } from '../../../core/store/index.ts';
import type { Database, Store } from '../../../core/store/index.ts';
import { WHOLE_FILE } from './table.ts';
import type { ItemOutcome, ItemOutcomesTable, OutcomeRow, OutcomeTables } from './table.ts';

export interface Tokens {
  input: number;
  output: number;
}

export interface NewOutcome {
  fileId: number;
  item: number;
  outcome: ItemOutcome;
  recordId?: number | null;
  reason?: string | null;
  tokens?: Tokens;
}

/** Enough for SQLite's and PostgreSQL's limits on bound parameters, with room to spare. */
const CHUNK = 500;

/** The row to insert for an outcome (inside the caller's transaction). */
export function outcomeValues(o: NewOutcome, now: number): ItemOutcomesTable {
  return {
    file_id: o.fileId,
    item: o.item,
    outcome: o.outcome,
    record_id: o.recordId ?? null,
    reason: o.reason ?? null,
    input_tokens: Math.max(0, Math.round(o.tokens?.input ?? 0)),
    output_tokens: Math.max(0, Math.round(o.tokens?.output ?? 0)),
    finished_at: now,
  };
}

export class OutcomeRecords {
  readonly db: Kysely<Database & OutcomeTables>;
  readonly #store: Store;
  readonly #now: () => number;

  constructor(store: Store, now: () => number = Date.now) {
    this.#store = store;
    this.db = withTables<OutcomeTables>(store);
    this.#now = now;
  }

  async forFile(fileId: number): Promise<OutcomeRow[]> {
    return this.db.selectFrom('item_outcomes').selectAll().where('file_id', '=', fileId).orderBy('item').execute();
  }

  /** The outcomes of many files (a batch of thousands), by file. */
  async forFiles(fileIds: readonly number[]): Promise<Map<number, OutcomeRow[]>> {
    const out = new Map<number, OutcomeRow[]>();
    for (let i = 0; i < fileIds.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('item_outcomes')
        .selectAll()
        .where('file_id', 'in', fileIds.slice(i, i + CHUNK))
        .orderBy('file_id')
        .orderBy('item')
        .execute();
      for (const r of rows) {
        const list = out.get(r.file_id);
        if (list) list.push(r);
        else out.set(r.file_id, [r]);
      }
    }
    return out;
  }

  /** Records an outcome made without a record (an error), replacing an earlier one of the same item. */
  async put(o: NewOutcome): Promise<void> {
    const values = outcomeValues(o, this.#now());
    const { file_id: _f, item: _i, ...update } = values;
    await this.db
      .insertInto('item_outcomes')
      .values(values)
      .onConflict((oc) => oc.columns(['file_id', 'item']).doUpdateSet(update))
      .execute();
  }

  /**
   * Forgets the error of the whole file before it is tried again (a retry after quarantine, or after its last
   * attempt failed): that is decided anew. A CSV row's error stays: it comes from the row, and the row is not read
   * again.
   */
  async clearFileError(fileId: number): Promise<number> {
    const r = await this.db
      .deleteFrom('item_outcomes')
      .where('file_id', '=', fileId)
      .where('item', '=', WHOLE_FILE)
      .where('outcome', '=', 'error')
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
