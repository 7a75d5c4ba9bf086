// Invoice rows and their files. An invoice with a UUID is unique per issuer: the XML and the PDF of one invoice,
// sent apart, become one invoice with two files.
import type { Generated, Kysely, Selectable } from 'kysely';
import { isUniqueViolation, withTables } from '../../core/store/index.ts';
import type { Database, Store } from '../../core/store/index.ts';

export type InvoiceStatus = 'ok' | 'review' | 'duplicate' | 'error';

export interface InvoicesTable {
  id: Generated<number>;
  kind: string;
  status: InvoiceStatus;
  source: string;
  issuer_rfc: string | null;
  issuer_name: string | null;
  receiver_rfc: string | null;
  receiver_name: string | null;
  uuid: string | null;
  series: string | null;
  number: string | null;
  issued_at: string | null;
  currency: string | null;
  subtotal: string | null;
  discount: string | null;
  transferred: string | null;
  withheld: string | null;
  total: string | null;
  /** JSON array of what was wrong or doubtful. */
  problems: string;
  /** JSON of everything extracted. */
  data: string;
  created_at: number;
  updated_at: number;
}

export interface InvoiceFilesTable {
  invoice_id: number;
  file_id: number;
  role: string;
}

export interface InvoiceTables {
  invoices: InvoicesTable;
  invoice_files: InvoiceFilesTable;
}

export type InvoiceRow = Selectable<InvoicesTable>;
export type NewInvoice = Omit<InvoiceRow, 'id' | 'created_at' | 'updated_at'>;

export class InvoiceRecords {
  readonly db: Kysely<Database & InvoiceTables>;

  constructor(store: Store) {
    this.db = withTables<InvoiceTables>(store);
  }

  /** The invoice a file already produced (a retried job does nothing twice). */
  async forFile(fileId: number): Promise<InvoiceRow | undefined> {
    return this.db
      .selectFrom('invoices')
      .innerJoin('invoice_files', 'invoice_files.invoice_id', 'invoices.id')
      .selectAll('invoices')
      .where('invoice_files.file_id', '=', fileId)
      .executeTakeFirst();
  }

  /** The invoices of many files in one query (a bulk batch's status page asks for thousands). */
  async forFiles(fileIds: readonly number[]): Promise<Map<number, InvoiceRow>> {
    if (fileIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('invoices')
      .innerJoin('invoice_files', 'invoice_files.invoice_id', 'invoices.id')
      .selectAll('invoices')
      .select('invoice_files.file_id')
      .where('invoice_files.file_id', 'in', fileIds)
      .execute();
    return new Map(rows.map(({ file_id, ...invoice }) => [file_id, invoice]));
  }

  /**
   * Records an invoice from a file. When one with the same issuer RFC and UUID exists, the file joins it and
   * `existing` is returned instead (the same invoice in another file, or sent twice).
   */
  async add(invoice: NewInvoice, fileId: number, role: string): Promise<{ invoice: InvoiceRow; existing: boolean }> {
    const now = Date.now();
    return this.db.transaction().execute(async (trx) => {
      let q = trx.selectFrom('invoices').selectAll().where('uuid', '=', invoice.uuid ?? '');
      q = invoice.issuer_rfc === null ? q.where('issuer_rfc', 'is', null) : q.where('issuer_rfc', '=', invoice.issuer_rfc);
      const same = invoice.uuid ? await q.executeTakeFirst() : undefined;
      if (same) {
        await trx.insertInto('invoice_files').values({ invoice_id: same.id, file_id: fileId, role }).onConflict((oc) => oc.doNothing()).execute();
        // The XML is the invoice's legal form: when it arrives after its PDF, its fields replace the PDF's reading.
        if (invoice.source === 'cfdi' && same.source !== 'cfdi') {
          const upgraded = await trx.updateTable('invoices').set({ ...invoice, updated_at: now }).where('id', '=', same.id).returningAll().executeTakeFirstOrThrow();
          return { invoice: upgraded, existing: true };
        }
        return { invoice: same, existing: true };
      }
      // Without a UUID, the same issuer, number, total and date is probably the same invoice: a person decides.
      if (!invoice.uuid && invoice.issuer_rfc && invoice.number && invoice.total && invoice.issued_at) {
        const probable = await trx
          .selectFrom('invoices')
          .select('id')
          .where('issuer_rfc', '=', invoice.issuer_rfc)
          .where('number', '=', invoice.number)
          .where('total', '=', invoice.total)
          .where('issued_at', '=', invoice.issued_at)
          .executeTakeFirst();
        if (probable) {
          const problems = [...(JSON.parse(invoice.problems) as string[]), `probably a duplicate of invoice #${probable.id} (same issuer, number, total and date)`];
          invoice = { ...invoice, status: 'review', problems: JSON.stringify(problems) };
        }
      }
      try {
        const row = await trx.insertInto('invoices').values({ ...invoice, created_at: now, updated_at: now }).returningAll().executeTakeFirstOrThrow();
        await trx.insertInto('invoice_files').values({ invoice_id: row.id, file_id: fileId, role }).execute();
        return { invoice: row, existing: false };
      } catch (err) {
        if (isUniqueViolation(err)) throw new Error(`invoice ${invoice.uuid} was recorded by another worker at the same time; the job will retry`);
        throw err;
      }
    });
  }

  async byStatus(status: InvoiceStatus, limit = 100): Promise<InvoiceRow[]> {
    return this.db.selectFrom('invoices').selectAll().where('status', '=', status).orderBy('id', 'desc').limit(limit).execute();
  }
}
