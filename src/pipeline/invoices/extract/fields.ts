// The fields one invoice yields, whatever it came from (PDF text, a photo read by a model, a CSV row). Money is
// kept as decimal strings ("1160.00"), never as floats; dates as ISO calendar dates ("2024-05-12").

import { z } from 'zod';
import { RFC_PATTERN } from '../cfdi/index.ts';

export const DECIMAL_TEXT = /^-?\d+\.\d{2,}$/;
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const UUID_TEXT = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

const text = z.string().trim().min(1);
const money = z.string().regex(DECIMAL_TEXT, 'a decimal amount like 1234.56');
const rfc = z.string().regex(RFC_PATTERN, 'an RFC: 3–4 letters, 6 digits (date), 3 characters, upper-case');

export const invoiceFieldsSchema = z.object({
  number: text,
  series: text,
  issuedAt: z.string().regex(ISO_DATE, 'an ISO date like 2024-05-12'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'a 3-letter currency code like MXN'),
  issuerRfc: rfc,
  issuerName: text,
  receiverRfc: rfc,
  receiverName: text,
  uuid: z.string().regex(UUID_TEXT, 'a folio fiscal (UUID), upper-case'),
  subtotal: money,
  discount: money,
  transferredTaxes: money,
  withheldTaxes: money,
  total: money,
  paymentForm: text,
  paymentMethod: text,
});
export type InvoiceFields = z.infer<typeof invoiceFieldsSchema>;
export type InvoiceFieldName = keyof InvoiceFields;

/** The same fields, each optional: what a normalised invoice (or a partial extraction) looks like. */
export const partialInvoiceFieldsSchema = invoiceFieldsSchema.partial();

export const INVOICE_FIELD_NAMES = Object.keys(invoiceFieldsSchema.shape) as InvoiceFieldName[];

export const MONEY_FIELDS = ['subtotal', 'discount', 'transferredTaxes', 'withheldTaxes', 'total'] as const;
export type MoneyField = (typeof MONEY_FIELDS)[number];
