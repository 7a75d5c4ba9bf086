// The rules an invoice's fields must meet before they are recorded. `problems` make it invalid; `review` notes
// ask a person to look (for example a model's reading that the PDF's own text does not confirm).

import { compareDecimals, toMinorUnits } from '../cfdi/index.ts';
import { amountsIn, expectedTotal, formatAmount, partialInvoiceFieldsSchema } from '../extract/index.ts';
import type { InvoiceFields } from '../extract/index.ts';
import { fieldRef, fromMinorUnits } from './normalise.ts';
import type { StoredText } from '../../../core/messages.ts';

export interface ValidateOptions {
  now: Date;
  /** The PDF's text layer, when the fields were read by a model from a PDF that has one. */
  sourceText?: string;
}

export interface Validation {
  ok: boolean;
  /** Messages (src/locales: invoice-*), rendered in the reader's language. */
  problems: StoredText[];
  review: StoredText[];
  /** Fields the source text does not confirm (with sourceText): they must not be trusted, e.g. to match a duplicate. */
  unconfirmed: Array<keyof InvoiceFields>;
}

/** The latest calendar date anywhere on Earth at `now` (UTC+14), so no time zone sees a false "future". */
export function latestToday(now: Date): string {
  return new Date(now.getTime() + 14 * 3600_000).toISOString().slice(0, 10);
}

function checkSum(fields: Partial<InvoiceFields>, problems: StoredText[], review: StoredText[]): void {
  const { subtotal, total } = fields;
  if (total === undefined) return;
  if (subtotal === undefined) {
    review.push({ key: 'invoice-no-subtotal' });
    return;
  }
  const cents = (value: string | undefined): string => fromMinorUnits(toMinorUnits(value ?? '0'));
  const expected = expectedTotal({
    subtotal: cents(subtotal),
    discount: cents(fields.discount),
    transferredTaxes: cents(fields.transferredTaxes),
    withheldTaxes: cents(fields.withheldTaxes),
  });
  const actual = cents(total);
  const difference = compareDecimals(expected, actual);
  if (difference !== 0) {
    const off = fromMinorUnits(toMinorUnits(expected) - toMinorUnits(actual));
    problems.push({
      key: 'invoice-sum-mismatch',
      vars: {
        subtotal: formatAmount(cents(subtotal)),
        discount: formatAmount(cents(fields.discount)),
        transferred: formatAmount(cents(fields.transferredTaxes)),
        withheld: formatAmount(cents(fields.withheldTaxes)),
        expected: formatAmount(expected),
        total: formatAmount(actual),
        off: formatAmount(off.replace(/^-/, '')),
      },
    });
  }
}

const squash = (text: string): string => text.toUpperCase().replace(/[\s-]+/g, '');

function crossCheck(
  fields: Partial<InvoiceFields>,
  sourceText: string,
  review: StoredText[],
  unconfirmed: Array<keyof InvoiceFields>,
): void {
  if (fields.total !== undefined) {
    const total = fields.total;
    if (!amountsIn(sourceText).some((amount) => compareDecimals(amount, total) === 0)) {
      review.push({ key: 'invoice-total-not-in-pdf', vars: { total: formatAmount(total) } });
      unconfirmed.push('total');
    }
  }
  const source = squash(sourceText);
  const mustAppear: Array<keyof InvoiceFields> = ['number', 'issuerRfc', 'receiverRfc', 'uuid'];
  for (const field of mustAppear) {
    const value = fields[field];
    if (value !== undefined && !source.includes(squash(value))) {
      review.push({ key: 'invoice-field-not-in-pdf', vars: { field: fieldRef(field), value } });
      unconfirmed.push(field);
    }
  }
}

/** Validates normalised fields (see normaliseFields). */
export function validateInvoice(fields: Partial<InvoiceFields>, options: ValidateOptions): Validation {
  const problems: StoredText[] = [];
  const review: StoredText[] = [];
  const unconfirmed: Array<keyof InvoiceFields> = [];
  const shape = partialInvoiceFieldsSchema.safeParse(fields);
  if (!shape.success) {
    for (const issue of shape.error.issues) {
      const field = String(issue.path[0] ?? 'fields');
      problems.push(`${field} is not in the expected form: ${issue.message} (normalise the fields first)`);
    }
    return { ok: false, problems, review, unconfirmed };
  }
  if (fields.total === undefined) problems.push({ key: 'invoice-total-missing' });
  if (fields.issuedAt === undefined) problems.push({ key: 'invoice-date-missing' });
  if (fields.issuerRfc === undefined && fields.issuerName === undefined)
    problems.push({ key: 'invoice-issuer-missing' });
  if (fields.number === undefined && fields.uuid === undefined) problems.push({ key: 'invoice-number-missing' });
  if (fields.issuedAt !== undefined && fields.issuedAt > latestToday(options.now)) {
    problems.push({ key: 'invoice-date-future', vars: { date: fields.issuedAt } });
  }
  checkSum(fields, problems, review);
  if (options.sourceText !== undefined) crossCheck(fields, options.sourceText, review, unconfirmed);
  return { ok: problems.length === 0, problems, review, unconfirmed };
}
