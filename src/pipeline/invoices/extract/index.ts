// Reading invoice fields: a PDF's text layer, a heuristic extractor for text without a model, and CSV rows.

export { pdfText, pageHasText, MIN_PAGE_TEXT } from './pdf-text.ts';
export type { PdfText } from './pdf-text.ts';
export { heuristicExtract, REVIEW_THRESHOLD } from './heuristic.ts';
export type { HeuristicResult } from './heuristic.ts';
export { parseCsvInvoices, parseCsvRecords, readCsvInvoices, detectDelimiter } from './csv.ts';
export type { CsvColumnMapping, CsvDelimiter, CsvInvoiceRow, CsvInvoices, CsvRecord } from './csv.ts';
export { parseAmountText, amountsIn, formatAmount } from './amounts.ts';
export { parseDateText, datesIn } from './dates.ts';
export { expectedTotal, negate, sameAmount } from './money.ts';
export {
  invoiceFieldsSchema,
  partialInvoiceFieldsSchema,
  INVOICE_FIELD_NAMES,
  MONEY_FIELDS,
  DECIMAL_TEXT,
  ISO_DATE,
  UUID_TEXT,
} from './fields.ts';
export type { InvoiceFieldName, InvoiceFields, MoneyField } from './fields.ts';
