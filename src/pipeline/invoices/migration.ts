// Invoices and the files they came from: one invoice may have several files (its PDF and its XML).
import { sql } from 'kysely';
import { addAutoId } from '../../core/store/index.ts';
import type { StoreMigration } from '../../core/store/index.ts';

export const invoicesMigration: StoreMigration = {
  name: '0200_invoices',
  async up(db, kind) {
    await addAutoId(db.schema.createTable('invoices'), kind)
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('issuer_rfc', 'text')
      .addColumn('issuer_name', 'text')
      .addColumn('receiver_rfc', 'text')
      .addColumn('receiver_name', 'text')
      .addColumn('uuid', 'text')
      .addColumn('series', 'text')
      .addColumn('number', 'text')
      .addColumn('issued_at', 'text')
      .addColumn('currency', 'text')
      .addColumn('subtotal', 'text')
      .addColumn('discount', 'text')
      .addColumn('transferred', 'text')
      .addColumn('withheld', 'text')
      .addColumn('total', 'text')
      .addColumn('problems', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    // The same stamped invoice is one row, whatever file (XML, PDF) or source it came from.
    await sql`create unique index invoices_uuid on invoices (issuer_rfc, uuid) where uuid is not null`.execute(db);
    await db.schema
      .createTable('invoice_files')
      .addColumn('invoice_id', 'bigint', (c) => c.notNull())
      .addColumn('file_id', 'bigint', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('invoice_files_pk', ['invoice_id', 'file_id'])
      .execute();
    await db.schema.createIndex('invoice_files_file').on('invoice_files').column('file_id').execute();
  },
};
