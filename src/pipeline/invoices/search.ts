// The named questions the web page asks of the invoice tables: a page of invoices matching a filter, one invoice
// with its files and its review history, what waits for review, and the batches with their progress.
import { sql } from 'kysely';
import type { SqlBool } from 'kysely';
import type { Config } from '../../core/config.ts';
import type { Store } from '../../core/store/index.ts';
import { IntakeRecords } from '../intake/index.ts';
import { batchReport } from './batch-report.ts';
import { pricesFrom } from './outcomes/index.ts';
import { progressOf } from './outcomes/batch-progress.ts';
import { InvoiceRecords } from './records.ts';
import type { InvoiceRow, InvoiceStatus } from './records.ts';
import { ReviewRecords } from './review.ts';
import type { InvoiceReviewRow } from './review.ts';
import type { BatchReport } from '../sources/index.ts';

export interface InvoiceFilter {
  /** Part of the issuer's name or RFC, or of the UUID. */
  text?: string;
  status?: InvoiceStatus;
  /** issued_at from and to, YYYY-MM-DD (inclusive). */
  from?: string;
  to?: string;
  /** Totals between these, decimal strings. */
  minTotal?: number;
  maxTotal?: number;
}

export interface InvoicePage {
  rows: InvoiceRow[];
  total: number;
}

export interface InvoiceDetail {
  invoice: InvoiceRow;
  fileIds: number[];
  reviews: InvoiceReviewRow[];
}

export class InvoiceSearch {
  readonly #records: InvoiceRecords;
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
    this.#records = new InvoiceRecords(store);
  }

  #where(f: InvoiceFilter) {
    let q = this.#records.db.selectFrom('invoices');
    if (f.status) q = q.where('status', '=', f.status);
    if (f.text) {
      const like = `%${f.text.replace(/[%_\\]/g, (c) => `\\${c}`).toUpperCase()}%`;
      // SQLite's LIKE has no escape character unless told; PostgreSQL's is the backslash already.
      const matches = (column: 'issuer_name' | 'issuer_rfc' | 'uuid') =>
        sql<SqlBool>`upper(${sql.ref(column)}) like ${like} escape '\\'`;
      q = q.where((eb) => eb.or([matches('issuer_name'), matches('issuer_rfc'), matches('uuid')]));
    }
    if (f.from) q = q.where('issued_at', '>=', f.from);
    if (f.to) q = q.where('issued_at', '<', `${f.to}~`); // a date and any time on it
    if (f.minTotal !== undefined) q = q.where((eb) => eb(eb.cast('total', 'real'), '>=', f.minTotal as number));
    if (f.maxTotal !== undefined) q = q.where((eb) => eb(eb.cast('total', 'real'), '<=', f.maxTotal as number));
    return q;
  }

  /** Newest first. */
  async page(f: InvoiceFilter, limit: number, offset: number): Promise<InvoicePage> {
    const [rows, count] = await Promise.all([
      this.#where(f).selectAll().orderBy('id', 'desc').limit(limit).offset(offset).execute(),
      this.#where(f)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst(),
    ]);
    return { rows, total: Number(count?.n ?? 0) };
  }

  async detail(id: number): Promise<InvoiceDetail | null> {
    const invoice = await this.#records.db.selectFrom('invoices').selectAll().where('id', '=', id).executeTakeFirst();
    if (!invoice) return null;
    const [files, reviews] = await Promise.all([this.#records.fileIdsOf([id]), new ReviewRecords(this.#store).of(id)]);
    return { invoice, fileIds: files.get(id) ?? [], reviews };
  }

  /** Whether a file is one of an invoice's (the web page serves only those). */
  async isInvoiceFile(fileId: number): Promise<boolean> {
    return (await this.#records.forFile(fileId)) !== undefined;
  }
}

/** Batches of invoices, newest first, with each one's progress and cost. */
export async function recentInvoiceBatches(
  store: Store,
  config: Config,
  limit: number,
  offset: number,
): Promise<Array<BatchReport & { source: string; created_at: number }>> {
  const batches = await new IntakeRecords(store).recentBatches('invoice', limit, offset);
  const progress = await progressOf(store, batches, Date.now());
  const prices = pricesFrom(config);
  return progress.map((p) => ({ ...batchReport(p, prices), source: p.batch.source, created_at: p.batch.created_at }));
}
