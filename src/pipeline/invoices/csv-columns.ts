// invoices.csv_columns maps invoice fields to CSV headers. The config schema takes any keys (a record), so the
// invoices module checks them when it starts: a misspelt field would silently never be read.
import { closest } from 'fastest-levenshtein';
import { ConfigError } from '../../core/config.ts';
import { INVOICE_FIELD_NAMES } from './extract/index.ts';
import type { CsvColumnMapping, InvoiceFieldName } from './extract/index.ts';

const isField = (key: string): key is InvoiceFieldName => (INVOICE_FIELD_NAMES as readonly string[]).includes(key);

/** The setting as a column mapping; a ConfigError (exit 78) naming each bad key and the valid ones otherwise. */
export function csvColumnMapping(setting: Readonly<Record<string, string>>): CsvColumnMapping {
  const problems: string[] = [];
  const mapping: CsvColumnMapping = {};
  for (const [key, header] of Object.entries(setting)) {
    if (isField(key)) mapping[key] = header;
    else problems.push(`invoices.csv_columns.${key}: not an invoice field (did you mean ${closest(key, [...INVOICE_FIELD_NAMES])}?); the fields are ${INVOICE_FIELD_NAMES.join(', ')}`);
  }
  if (problems.length === 0 && Object.keys(mapping).length === 0) {
    problems.push(`invoices.csv_columns: maps no field, so no CSV row could be read; map at least total, issuedAt, issuerRfc and number (the fields are ${INVOICE_FIELD_NAMES.join(', ')})`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return mapping;
}
