// Decisions people take on invoices in review (approve, with corrections, or reject): who, when and what changed.
import { addAutoId } from '../../core/store/index.ts';
import type { StoreMigration } from '../../core/store/index.ts';

export const invoiceReviewsMigration: StoreMigration = {
  name: '0201_invoice_reviews',
  async up(db, kind) {
    await addAutoId(db.schema.createTable('invoice_reviews'), kind)
      .addColumn('invoice_id', 'bigint', (c) => c.notNull())
      .addColumn('decision', 'text', (c) => c.notNull())
      .addColumn('by_name', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('changes', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .execute();
    await db.schema.createIndex('invoice_reviews_invoice').on('invoice_reviews').column('invoice_id').execute();
  },
};
