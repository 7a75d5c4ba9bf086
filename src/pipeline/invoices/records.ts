// Invoice rows and their files. An invoice with a UUID is unique per issuer: the XML and the PDF of one invoice,
// sent apart, become one invoice with two files.
import type { Generated, Kysely, Selectable, Transaction } from 'kysely';
import { readStored, storeTexts } from '../../core/messages.ts';
import { isUniqueViolation, withTables } from '../../core/store/index.ts';
import type { Database, Store } from '../../core/store/index.ts';
import { outcomeValues } from './outcomes/index.ts';
import { findProbable, findSame } from './dedup.ts';
import type { ItemOutcome, OutcomeTables, Tokens } from './outcomes/index.ts';

/** `rejected`: a person said no in review (see review.ts). */
export type InvoiceStatus = 'ok' | 'review' | 'duplicate' | 'error' | 'rejected';

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
  /** JSON array of what was wrong or doubtful: messages ({key, vars}) or, in older rows, English text. */
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

/** The item an invoice is recorded for: its outcome (item_outcomes, this pipeline's table) is written in the same transaction. */
export interface ItemOf {
  /** 0 for a whole file; a CSV row's line number. */
  item: number;
  tokens?: Tokens;
  /**
   * When an invoice already recorded (same issuer RFC and UUID) makes this item a duplicate: `exists` always (a
   * CSV row); `same-role` only when that invoice already has a file of the same kind (a second XML of it is a
   * duplicate; its PDF is the same invoice's other file).
   */
  duplicateWhen: 'exists' | 'same-role';
}

export interface Added {
  invoice: InvoiceRow;
  existing: boolean;
  /** Set when `add` was given the item. */
  outcome?: ItemOutcome;
}

type Trx = Transaction<Database & InvoiceTables & OutcomeTables>;

export class InvoiceRecords {
  readonly db: Kysely<Database & InvoiceTables & OutcomeTables>;
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
    this.db = withTables<InvoiceTables & OutcomeTables>(store);
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

  /** The files each invoice came from, by invoice id (what /review and `centinela invoices review` show beside it). */
  async fileIdsOf(invoiceIds: readonly number[]): Promise<Map<number, number[]>> {
    const files = new Map<number, number[]>();
    if (invoiceIds.length === 0) return files;
    const rows = await this.db
      .selectFrom('invoice_files')
      .select(['invoice_id', 'file_id'])
      .where('invoice_id', 'in', invoiceIds)
      .orderBy('file_id')
      .execute();
    for (const r of rows) files.set(r.invoice_id, [...(files.get(r.invoice_id) ?? []), r.file_id]);
    return files;
  }

  /**
   * Records an invoice from a file. When the same invoice exists (same issuer RFC and UUID, or the same unstamped
   * XML: see dedup.ts), the file joins it and `existing` is returned instead (the same invoice in another file, or
   * sent twice); a probable duplicate is recorded for review. With `item`, the item's outcome is recorded in the
   * same transaction, and an item recorded before returns what it became then.
   */
  async add(invoice: NewInvoice, fileId: number, role: string, item?: ItemOf): Promise<Added> {
    const now = Date.now();
    return this.db.transaction().execute(async (trx) => {
      if (item) {
        const done = await trx
          .selectFrom('item_outcomes')
          .selectAll()
          .where('file_id', '=', fileId)
          .where('item', '=', item.item)
          .executeTakeFirst();
        const row = done?.record_id
          ? await trx.selectFrom('invoices').selectAll().where('id', '=', done.record_id).executeTakeFirst()
          : undefined;
        if (done && row) return { invoice: row, existing: true, outcome: done.outcome };
      }
      const same = await findSame(trx, invoice);
      if (same) {
        const duplicate = item
          ? item.duplicateWhen === 'exists' || (await hasFileOfRole(trx, same.row.id, role, fileId))
          : false;
        await trx
          .insertInto('invoice_files')
          .values({ invoice_id: same.row.id, file_id: fileId, role })
          .onConflict((oc) => oc.doNothing())
          .execute();
        let row = same.row;
        // The XML is the invoice's legal form: when it arrives after its PDF, its fields replace the PDF's reading.
        // An invoice a person rejected stays rejected: another file of it is a duplicate of that decision.
        const rejected = row.status === 'rejected';
        if (invoice.source === 'cfdi' && row.source !== 'cfdi') {
          const status = rejected ? 'rejected' : invoice.status;
          row = await trx
            .updateTable('invoices')
            .set({ ...invoice, status, updated_at: now })
            .where('id', '=', row.id)
            .returningAll()
            .executeTakeFirstOrThrow();
        }
        const outcome: ItemOutcome = duplicate || row.status === 'rejected' ? 'duplicate' : row.status;
        if (item) {
          const sameAs = {
            key: rejected ? 'invoice-same-as-rejected' : 'invoice-same-as',
            vars: { id: String(row.id), why: same.why },
          };
          const reason = duplicate || rejected ? storeTexts([sameAs]) : reasonOf(row);
          await insertOutcome(trx, { fileId, item, outcome, recordId: row.id, reason }, now);
        }
        return { invoice: row, existing: true, outcome };
      }
      // Without a UUID, the same issuer, number, total and date is probably the same invoice: a person decides.
      const probable = await findProbable(trx, invoice);
      if (probable !== undefined) {
        const problems = [
          ...readStored(invoice.problems),
          { key: 'invoice-probable-duplicate', vars: { id: String(probable) } },
        ];
        invoice = { ...invoice, status: 'review', problems: JSON.stringify(problems) };
      }
      try {
        const row = await trx
          .insertInto('invoices')
          .values({ ...invoice, created_at: now, updated_at: now })
          .returningAll()
          .executeTakeFirstOrThrow();
        await trx.insertInto('invoice_files').values({ invoice_id: row.id, file_id: fileId, role }).execute();
        const outcome = invoice.status === 'rejected' ? 'review' : invoice.status; // a new reading is never rejected
        if (item) await insertOutcome(trx, { fileId, item, outcome, recordId: row.id, reason: reasonOf(row) }, now);
        return { invoice: row, existing: false, outcome };
      } catch (err) {
        if (isUniqueViolation(err))
          throw new Error(
            `invoice ${invoice.uuid} was recorded by another worker at the same time; the job will retry`,
          );
        throw err;
      }
    });
  }

  async byStatus(status: InvoiceStatus, limit = 100): Promise<InvoiceRow[]> {
    return this.db
      .selectFrom('invoices')
      .selectAll()
      .where('status', '=', status)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }
}

async function hasFileOfRole(trx: Trx, invoiceId: number, role: string, exceptFileId: number): Promise<boolean> {
  const other = await trx
    .selectFrom('invoice_files')
    .select('file_id')
    .where('invoice_id', '=', invoiceId)
    .where('role', '=', role)
    .where('file_id', '!=', exceptFileId)
    .executeTakeFirst();
  return other !== undefined;
}

/** Why an invoice is not simply ok: its problems, kept as messages (see core/messages' storeTexts). */
function reasonOf(row: InvoiceRow): string | null {
  if (row.status === 'ok') return null;
  return storeTexts(readStored(row.problems)) ?? row.status;
}

async function insertOutcome(
  trx: Trx,
  o: { fileId: number; item: ItemOf; outcome: ItemOutcome; recordId: number; reason: string | null },
  now: number,
): Promise<void> {
  await trx
    .insertInto('item_outcomes')
    .values(
      outcomeValues(
        {
          fileId: o.fileId,
          item: o.item.item,
          outcome: o.outcome,
          recordId: o.recordId,
          reason: o.reason,
          tokens: o.item.tokens,
        },
        now,
      ),
    )
    .execute();
}
