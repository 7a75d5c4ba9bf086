// Which invoice already recorded a new reading is, before it is stored:
// - the same invoice: the same issuer and UUID; or, for a CFDI XML without a stamp (no UUID, any kind, Retenciones
//   included), the same kind, issuer, receiver, issue time to the second, series, number and total — the XML is
//   read exactly, so equal values are the same document;
// - probably the same invoice (a person decides): no UUID, and the same number, total and issue date from the same
//   issuer — the same RFC, or, where either has none (a foreign invoice, a photo), the same issuer name once
//   normalised (case, accents, punctuation and the company form such as "S.A. de C.V." or "Pvt. Ltd." set aside).
import { sql } from 'kysely';
import type { ExpressionBuilder, Transaction } from 'kysely';
import type { MessageRef } from '../../core/messages.ts';
import type { Database } from '../../core/store/index.ts';
import type { OutcomeTables } from './outcomes/index.ts';
import type { InvoiceRow, InvoiceTables, NewInvoice } from './records.ts';

type Trx = Transaction<Database & InvoiceTables & OutcomeTables>;
type Eb = ExpressionBuilder<Database & InvoiceTables & OutcomeTables, 'invoices'>;

// Company forms, as words once punctuation is gone, dropped from the end of a name.
const COMPANY_FORMS = [
  'S A B DE C V',
  'S A P I DE C V',
  'S A DE C V',
  'S DE R L DE C V',
  'S DE R L',
  'S C',
  'S A',
  'A C',
  'SAPI DE CV',
  'SAB DE CV',
  'SA DE CV',
  'S DE RL DE CV',
  'S DE RL',
  'SA',
  'SC',
  'AC',
  'PRIVATE LIMITED',
  'PVT LTD',
  'PVT',
  'LTD',
  'LIMITED',
  'LLC',
  'L L C',
  'INC',
  'CORP',
  'CORPORATION',
  'CO',
  'GMBH',
  'AG',
  'SL',
  'S L',
  'SAS',
  'S A S',
  'BV',
  'B V',
  'PLC',
  'SRL',
  'S R L',
].sort((a, b) => b.length - a.length);

/** "Flipkart Internet Pvt. Ltd." and "FLIPKART INTERNET PRIVATE LIMITED" → "FLIPKART INTERNET"; "" for nothing. */
export function normaliseIssuerName(name: string | null): string {
  if (name === null) return '';
  let words = name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/&/g, ' AND ')
    .replace(/[^A-Z0-9]+/g, ' ')
    .trim();
  for (let changed = true; changed; ) {
    changed = false;
    for (const form of COMPANY_FORMS) {
      if (words.endsWith(` ${form}`)) {
        words = words.slice(0, -form.length - 1).trim();
        changed = true;
      }
    }
  }
  return words;
}

function sameIssuer(
  a: Pick<InvoiceRow, 'issuer_rfc' | 'issuer_name'>,
  b: Pick<InvoiceRow, 'issuer_rfc' | 'issuer_name'>,
): boolean {
  if (a.issuer_rfc !== null && b.issuer_rfc !== null) return a.issuer_rfc === b.issuer_rfc;
  const name = normaliseIssuerName(a.issuer_name);
  return name !== '' && name === normaliseIssuerName(b.issuer_name);
}

/** `column = value`, or `column is null` for null. */
const equal = (eb: Eb, column: 'issuer_rfc' | 'receiver_rfc' | 'series' | 'number' | 'total', value: string | null) =>
  value === null ? eb(column, 'is', null) : eb(column, '=', value);

export interface Same {
  row: InvoiceRow;
  /** Why it is the same invoice, for the duplicate's reason. */
  why: MessageRef;
}

/** The invoice this reading is, when one was recorded: by issuer and UUID, or for unstamped XML by its values. */
export async function findSame(trx: Trx, invoice: NewInvoice): Promise<Same | undefined> {
  if (invoice.uuid) {
    const row = await trx
      .selectFrom('invoices')
      .selectAll()
      .where('uuid', '=', invoice.uuid)
      .where((eb) => equal(eb, 'issuer_rfc', invoice.issuer_rfc))
      .executeTakeFirst();
    return row && { row, why: { key: 'same-why-uuid', vars: { rfc: row.issuer_rfc ?? '?', uuid: row.uuid ?? '' } } };
  }
  if (invoice.source !== 'cfdi' || invoice.issued_at === null) return undefined;
  const row = await trx
    .selectFrom('invoices')
    .selectAll()
    .where('source', '=', 'cfdi')
    .where('uuid', 'is', null)
    .where('kind', '=', invoice.kind)
    .where('issued_at', '=', invoice.issued_at)
    .where((eb) =>
      eb.and([
        equal(eb, 'issuer_rfc', invoice.issuer_rfc),
        equal(eb, 'receiver_rfc', invoice.receiver_rfc),
        equal(eb, 'series', invoice.series),
        equal(eb, 'number', invoice.number),
        equal(eb, 'total', invoice.total),
      ]),
    )
    .orderBy('id')
    .executeTakeFirst();
  if (!row) return undefined;
  const vars = {
    kind: invoice.kind,
    issuer: row.issuer_rfc ?? row.issuer_name ?? '?',
    date: String(row.issued_at),
    total: String(row.total),
  };
  return { row, why: { key: 'same-why-unstamped', vars } };
}

/** An invoice this reading probably is (same issuer, number, total and issue date, no UUID to tell): its id. */
export async function findProbable(trx: Trx, invoice: NewInvoice): Promise<number | undefined> {
  if (
    invoice.uuid ||
    !invoice.number ||
    !invoice.total ||
    !invoice.issued_at ||
    (!invoice.issuer_rfc && !invoice.issuer_name)
  )
    return undefined;
  const candidates = await trx
    .selectFrom('invoices')
    .select(['id', 'issuer_rfc', 'issuer_name'])
    .where('number', '=', invoice.number)
    .where('total', '=', invoice.total)
    .where(sql<string>`substr(issued_at, 1, 10)`, '=', invoice.issued_at.slice(0, 10))
    .orderBy('id')
    .execute();
  return candidates.find((c) => sameIssuer(c, invoice))?.id;
}
