// What became of each item a file yielded: an invoice from a PDF, a photo or an XML (item 0, the whole file), or
// one per row of a CSV (item = the row's line). Batch progress, ETA, summaries and cost are read from here. The
// invoice pipeline's table: its jobs write it (with the invoice, in one transaction: see InvoiceRecords.add).
import type { Selectable } from 'kysely';
import type { StoreMigration } from '../../../core/store/index.ts';

export const ITEM_OUTCOMES = ['ok', 'review', 'duplicate', 'error'] as const;
export type ItemOutcome = (typeof ITEM_OUTCOMES)[number];

/** The item that stands for the whole file; CSV rows use their line number (2 and up: line 1 is the header). */
export const WHOLE_FILE = 0;

export interface ItemOutcomesTable {
  file_id: number;
  item: number;
  outcome: ItemOutcome;
  /** The row the item became or joined (an invoice id); null for an error. */
  record_id: number | null;
  /** Why it is in review, a duplicate or an error; null when ok. */
  reason: string | null;
  /** Model tokens the item cost (prompt and completion), 0 when no model read it. */
  input_tokens: number;
  output_tokens: number;
  finished_at: number;
}

export interface OutcomeTables {
  item_outcomes: ItemOutcomesTable;
}

export type OutcomeRow = Selectable<ItemOutcomesTable>;

/** What became of each item of a file (a CSV row, or the whole file: item 0). */
export const itemOutcomesMigration: StoreMigration = {
  name: '0600_item_outcomes',
  async up(db) {
    await db.schema
      .createTable('item_outcomes')
      .ifNotExists()
      .addColumn('file_id', 'bigint', (c) => c.notNull())
      .addColumn('item', 'integer', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('record_id', 'bigint')
      .addColumn('reason', 'text')
      .addColumn('input_tokens', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('output_tokens', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('finished_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('item_outcomes_pk', ['file_id', 'item'])
      .execute();
  },
};
