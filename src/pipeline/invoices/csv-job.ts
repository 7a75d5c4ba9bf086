// A CSV file of invoices: one invoice per row, through the mapping in invoices.csv_columns. Each row gets its own
// outcome (ok, review, duplicate, or error with the reason), recorded with its invoice in one transaction, so a
// crash half way resumes at the first row without an outcome and a bad row never sinks the good ones. A file that
// cannot be read as invoices at all (binary, no header, a mapped column missing) is quarantined like any other.
import { storeTexts } from '../../core/messages.ts';
import type { MessageRef } from '../../core/messages.ts';
import type { HandlerContext } from '../../core/queue/index.ts';
import type { FileRow } from '../intake/index.ts';
import type { OutcomeRow } from './outcomes/index.ts';
import { decodeText } from './check/index.ts';
import { readCsvInvoices } from './extract/index.ts';
import type { CsvColumnMapping, CsvInvoiceRow } from './extract/index.ts';
import { invoiceFromCsvRow } from './from-csv.ts';
import { keepForReview, reject } from './job-support.ts';
import type { ProcessDeps } from './job-support.ts';

/** A CSV file's rows (each with its fields or its own error), or why the file as a whole cannot be read. */
export function csvInvoiceRows(
  bytes: Buffer,
  columns: CsvColumnMapping,
): { rows: CsvInvoiceRow[] } | { error: MessageRef } {
  const text = decodeText(bytes);
  if (text === null) return { error: { key: 'csv-not-text' } };
  const read = readCsvInvoices(text, columns);
  // The reader's own words (a column missing, a quote never closed) are technical and stay as written.
  if (read.fileError)
    return { error: { key: 'csv-line', vars: { line: String(read.fileError.row), detail: read.fileError.error } } };
  if (read.rows.length === 0) return { error: { key: 'csv-no-rows' } };
  return { rows: read.rows };
}

export async function processCsv(
  d: ProcessDeps,
  ctx: Pick<HandlerContext, 'signal' | 'log'>,
  file: FileRow,
  path: string,
  bytes: Buffer,
  recorded: readonly OutcomeRow[],
): Promise<void> {
  const now = d.now ?? Date.now;
  const read = csvInvoiceRows(bytes, d.csvColumns);
  if ('error' in read) return reject(d, file, path, read.error, ctx.log);

  const done = new Set(recorded.map((o) => o.item));
  const counts = { ok: 0, review: 0, duplicate: 0, error: 0, skipped: 0 };
  for (const row of read.rows) {
    ctx.signal.throwIfAborted(); // shutting down, or the lease is lost: the rest is done by the next attempt
    if (done.has(row.row)) {
      counts.skipped++; // recorded by an earlier attempt
      continue;
    }
    if (!row.fields) {
      const reason =
        row.message ??
        (row.error === undefined ? { key: 'csv-row-unreadable' } : { key: 'csv-row', vars: { detail: row.error } });
      await d.outcomes.put({ fileId: file.id, item: row.row, outcome: 'error', reason: storeTexts([reason]) });
      counts.error++;
      continue;
    }
    const invoice = invoiceFromCsvRow(row.fields, row.row, new Date(now()));
    const added = await d.invoices.add(invoice, file.id, 'csv', { item: row.row, duplicateWhen: 'exists' });
    counts[added.outcome ?? 'ok']++; // add() with an item always says the outcome
    if (added.outcome === 'review' && !added.existing) await keepForReview(d.dataDir, added.invoice, file);
  }
  ctx.log.info({ file_id: file.id, rows: read.rows.length, ...counts }, 'CSV invoices recorded, one per row');
}
