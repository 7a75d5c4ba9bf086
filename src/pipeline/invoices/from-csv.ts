// A CSV row's fields (values as written) as an invoice: normalised and validated like any other reading; what
// does not fit goes to review, saying why. The row's line is kept in the invoice's data.
import type { InvoiceFields } from './extract/index.ts';
import { invoiceFromFields } from './empty.ts';
import type { NewInvoice } from './records.ts';
import { normaliseFields, validateInvoice } from './validate/index.ts';

export function invoiceFromCsvRow(raw: Partial<InvoiceFields>, row: number, now: Date): NewInvoice {
  const { fields, problems } = normaliseFields(raw);
  const check = validateInvoice(fields, { now });
  const all = [...problems, ...check.problems, ...check.review];
  return invoiceFromFields(fields, {
    status: all.length === 0 ? 'ok' : 'review',
    source: 'csv',
    problems: all,
    data: { row, fields },
  });
}
