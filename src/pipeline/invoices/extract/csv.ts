// CSV invoices: one invoice per row under a header row, columns mapped to fields by name. Quoted fields
// ("a ""quoted"" value", separators and line breaks inside quotes), "," or ";" (or tab) as the separator (the one
// most used in the header line, unless given), CRLF or LF line ends, a UTF-8 BOM. Values are returned as written
// (trimmed): normaliseFields turns them into decimals, ISO dates and checked RFCs.

import { INVOICE_FIELD_NAMES } from './fields.ts';
import type { InvoiceFieldName, InvoiceFields } from './fields.ts';
import type { MessageRef } from '../../../core/messages.ts';

export type CsvDelimiter = ',' | ';' | '\t';
export type CsvColumnMapping = Partial<Record<InvoiceFieldName, string>>;

export interface CsvRecord {
  /** 1-based line where the record starts (the header is line 1). */
  line: number;
  cells: string[];
}

/** Guesses the separator from the first line: the most frequent of ",", ";" and tab outside quotes. */
export function detectDelimiter(text: string): CsvDelimiter {
  const counts = new Map<CsvDelimiter, number>([
    [',', 0],
    [';', 0],
    ['\t', 0],
  ]);
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && counts.has(char as CsvDelimiter))
      counts.set(char as CsvDelimiter, (counts.get(char as CsvDelimiter) ?? 0) + 1);
  }
  let best: CsvDelimiter = ',';
  for (const [delimiter, count] of counts) if (count > (counts.get(best) ?? 0)) best = delimiter;
  return best;
}

/** Splits CSV text into records; blank lines are skipped. Throws on a quote left open at the end. */
export function parseCsvRecords(input: string, delimiter: CsvDelimiter): CsvRecord[] {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let touched = false;
  const endRecord = (): void => {
    cells.push(cell);
    if (touched || cells.length > 1 || cell !== '') records.push({ line: start, cells });
    cells = [];
    cell = '';
    touched = false;
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (char === '\n') line++;
        cell += char;
      }
    } else if (char === '"') {
      quoted = true;
      touched = true;
    } else if (char === delimiter) {
      cells.push(cell);
      cell = '';
      touched = true;
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else {
      cell += char;
    }
  }
  if (quoted) throw new Error(`a quoted field opened on line ${start} is never closed`);
  endRecord();
  return records;
}

export interface CsvInvoiceRow {
  /** 1-based line of the row in the file (the header is line 1, the first invoice usually line 2). */
  row: number;
  fields?: Partial<InvoiceFields>;
  error?: string;
  /** The error as a message (src/locales: csv-*), for readers of either language. */
  message?: MessageRef;
}

const normaliseHeader = (name: string): string => name.trim().toLowerCase().replace(/\s+/g, ' ');

/** A CSV read for invoices: a problem with the whole file, or one entry per data row. */
export interface CsvInvoices {
  /** The file cannot be read as invoices at all (no header, a mapped column missing, an unclosed quote). */
  fileError?: { row: number; error: string };
  rows: CsvInvoiceRow[];
}

export function readCsvInvoices(
  text: string,
  mapping: CsvColumnMapping,
  options: { delimiter?: CsvDelimiter } = {},
): CsvInvoices {
  const delimiter = options.delimiter ?? detectDelimiter(text.replace(/^\uFEFF/, ''));
  let records: CsvRecord[];
  try {
    records = parseCsvRecords(text, delimiter);
  } catch (error) {
    return {
      fileError: { row: 1, error: `the CSV cannot be read: ${error instanceof Error ? error.message : String(error)}` },
      rows: [],
    };
  }
  const [header, ...rows] = records;
  if (header === undefined)
    return {
      fileError: { row: 1, error: 'the CSV is empty: it needs a header row and one row per invoice' },
      rows: [],
    };
  const headers = header.cells.map(normaliseHeader);
  const columns: Array<[InvoiceFieldName, number]> = [];
  const missing: string[] = [];
  for (const field of INVOICE_FIELD_NAMES) {
    const column = mapping[field];
    if (column === undefined) continue;
    const index = headers.indexOf(normaliseHeader(column));
    if (index === -1) missing.push(`"${column}" (for ${field})`);
    else columns.push([field, index]);
  }
  if (missing.length > 0) {
    return {
      fileError: {
        row: header.line,
        error: `the header has no column ${missing.join(', ')}; its columns are: ${header.cells.map((c) => `"${c.trim()}"`).join(', ')}. Fix the column mapping or the file.`,
      },
      rows: [],
    };
  }
  return {
    rows: rows.map((record): CsvInvoiceRow => {
      if (record.cells.length !== header.cells.length) {
        return {
          row: record.line,
          error: `the row has ${record.cells.length} columns but the header has ${header.cells.length}: check for a "${delimiter}" inside a value that is not quoted`,
          message: {
            key: 'csv-row-width',
            vars: { cells: String(record.cells.length), header: String(header.cells.length), delimiter },
          },
        };
      }
      const fields: Partial<InvoiceFields> = {};
      for (const [field, index] of columns) {
        const value = record.cells[index]?.trim() ?? '';
        if (value !== '') fields[field] = value;
      }
      if (Object.keys(fields).length === 0)
        return {
          row: record.line,
          error: 'the row has no value in any mapped column',
          message: { key: 'csv-row-empty' },
        };
      return { row: record.line, fields };
    }),
  };
}

/**
 * One entry per data row: its mapped fields (values as written, empty cells left out), or an error saying what is
 * wrong with it. A problem with the whole file (no header, a mapped column missing, an unclosed quote) is a single
 * entry with the header's row (1) and an error.
 */
export function parseCsvInvoices(
  text: string,
  mapping: CsvColumnMapping,
  options: { delimiter?: CsvDelimiter } = {},
): CsvInvoiceRow[] {
  const read = readCsvInvoices(text, mapping, options);
  return read.fileError ? [read.fileError] : read.rows;
}
