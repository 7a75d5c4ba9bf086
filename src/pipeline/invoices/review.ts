// The way out of review: a person approves an invoice (correcting fields on the way) or rejects it. Each decision
// is recorded with who took it and when, and what it changed; the invoice's review copy in data/pending goes.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Generated, Kysely, Selectable } from 'kysely';
import { renderAll } from '../../core/messages.ts';
import { english } from '../../locales/index.ts';
import { isUniqueViolation, withTables } from '../../core/store/index.ts';
import type { Database, Store } from '../../core/store/index.ts';
import { INVOICE_FIELD_NAMES } from './extract/index.ts';
import type { InvoiceFieldName } from './extract/index.ts';
import type { InvoiceRow, InvoiceTables } from './records.ts';
import { normaliseFields } from './validate/index.ts';

/** `duplicate`: a person says it repeats an invoice already recorded. */
export type ReviewDecision = 'approved' | 'rejected' | 'duplicate';

export interface InvoiceReviewsTable {
  id: Generated<number>;
  invoice_id: number;
  decision: ReviewDecision;
  by_name: string;
  at: number;
  /** JSON: { column: { from, to } } for each corrected field. */
  changes: string;
  reason: string | null;
}
export type InvoiceReviewRow = Selectable<InvoiceReviewsTable>;

/** What a decision could not do, said for the person who asked (the CLI exits 1, the bot answers the press). */
export class ReviewError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReviewError';
  }
}

type CorrectableColumn =
  | 'number'
  | 'series'
  | 'issued_at'
  | 'currency'
  | 'issuer_rfc'
  | 'issuer_name'
  | 'receiver_rfc'
  | 'receiver_name'
  | 'uuid'
  | 'subtotal'
  | 'discount'
  | 'transferred'
  | 'withheld'
  | 'total';
type Corrections = Partial<Record<CorrectableColumn, string>>;

/** The invoice fields a correction may set, by their field name, and the column each is kept in. */
const COLUMNS: Partial<Record<InvoiceFieldName, CorrectableColumn>> = {
  number: 'number',
  series: 'series',
  issuedAt: 'issued_at',
  currency: 'currency',
  issuerRfc: 'issuer_rfc',
  issuerName: 'issuer_name',
  receiverRfc: 'receiver_rfc',
  receiverName: 'receiver_name',
  uuid: 'uuid',
  subtotal: 'subtotal',
  discount: 'discount',
  transferredTaxes: 'transferred',
  withheldTaxes: 'withheld',
  total: 'total',
};
export const CORRECTABLE_FIELDS = INVOICE_FIELD_NAMES.filter((f) => COLUMNS[f] !== undefined);

/** "total" or "issued_at" (the export's column name) → the field name; null when it is neither. */
function fieldOf(name: string): InvoiceFieldName | null {
  return CORRECTABLE_FIELDS.find((f) => f === name || COLUMNS[f] === name) ?? null;
}

export interface Decision {
  decision: ReviewDecision;
  /** Who decides: a person's name and where from, e.g. "ana (cli)" or "Ana (telegram 1001)". */
  by: string;
  /** Corrections (approve only): field name (or export column) → value as a person writes it. */
  fields?: Readonly<Record<string, string>>;
  reason?: string;
}

export class ReviewRecords {
  readonly db: Kysely<Database & InvoiceTables & { invoice_reviews: InvoiceReviewsTable }>;
  readonly #dataDir: string | null;

  constructor(store: Store, dataDir: string | null = null) {
    this.db = withTables<InvoiceTables & { invoice_reviews: InvoiceReviewsTable }>(store);
    this.#dataDir = dataDir;
  }

  /** Corrections checked and normalised like any reading: { column: value }, or a ReviewError saying what is wrong. */
  corrections(fields: Readonly<Record<string, string>>): Corrections {
    const raw: Partial<Record<InvoiceFieldName, string>> = {};
    for (const [name, value] of Object.entries(fields)) {
      const field = fieldOf(name);
      if (field === null)
        throw new ReviewError(
          `"${name}" is not a field a review can correct; the fields are ${CORRECTABLE_FIELDS.join(', ')}`,
        );
      raw[field] = value;
    }
    const { fields: normalised, problems } = normaliseFields(raw);
    if (problems.length > 0) throw new ReviewError(`nothing was changed: ${renderAll(problems, english)}`);
    const columns: Corrections = {};
    for (const [field, value] of Object.entries(normalised) as Array<[InvoiceFieldName, string]>) {
      const column = COLUMNS[field];
      if (column) columns[column] = value;
    }
    return columns;
  }

  /** Approves or rejects an invoice waiting for review, in one transaction with its record. */
  async decide(invoiceId: number, d: Decision): Promise<{ invoice: InvoiceRow; review: InvoiceReviewRow }> {
    const set = d.decision === 'approved' ? this.corrections(d.fields ?? {}) : {};
    if (d.decision !== 'approved' && d.fields && Object.keys(d.fields).length > 0)
      throw new ReviewError(`a ${d.decision} invoice takes no corrections (--field is for approve)`);
    const at = Date.now();
    let result;
    try {
      result = await this.db.transaction().execute(async (trx) => {
        const invoice = await trx.selectFrom('invoices').selectAll().where('id', '=', invoiceId).executeTakeFirst();
        if (!invoice) throw new ReviewError(`there is no invoice #${invoiceId}`);
        if (invoice.status !== 'review') {
          const last = await trx
            .selectFrom('invoice_reviews')
            .selectAll()
            .where('invoice_id', '=', invoiceId)
            .orderBy('id', 'desc')
            .executeTakeFirst();
          const when = last
            ? ` (${last.decision} by ${last.by_name} at ${new Date(Number(last.at)).toISOString()})`
            : '';
          throw new ReviewError(
            `invoice #${invoiceId} is ${invoice.status}${when}, not waiting for review: nothing was changed`,
          );
        }
        const changes = Object.fromEntries(
          Object.entries(set)
            .filter(([column, value]) => invoice[column as CorrectableColumn] !== value)
            .map(([column, value]) => [column, { from: invoice[column as CorrectableColumn], to: value }]),
        );
        const status = d.decision === 'approved' ? 'ok' : d.decision === 'duplicate' ? 'duplicate' : 'rejected';
        const updated = await trx
          .updateTable('invoices')
          .set({ ...set, status, updated_at: at })
          .where('id', '=', invoiceId)
          .returningAll()
          .executeTakeFirstOrThrow();
        const review = await trx
          .insertInto('invoice_reviews')
          .values({
            invoice_id: invoiceId,
            decision: d.decision,
            by_name: d.by,
            at,
            changes: JSON.stringify(changes),
            reason: d.reason ?? null,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return { invoice: updated, review };
      });
    } catch (err) {
      if (isUniqueViolation(err))
        throw new ReviewError(
          `invoice #${invoiceId} was not changed: another invoice has that issuer RFC and UUID already`,
        );
      throw err;
    }
    if (this.#dataDir) await rm(join(this.#dataDir, 'pending', `${invoiceId}.json`), { force: true });
    return result;
  }

  async of(invoiceId: number): Promise<InvoiceReviewRow[]> {
    return this.db
      .selectFrom('invoice_reviews')
      .selectAll()
      .where('invoice_id', '=', invoiceId)
      .orderBy('id')
      .execute();
  }
}
