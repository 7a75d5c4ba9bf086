// What the invoice jobs (whole files and CSV rows) share: their dependencies, the review copy in data/pending,
// and quarantine with an error outcome.
import { mkdir } from 'node:fs/promises';
import { readStored, render, storeTexts } from '../../core/messages.ts';
import type { StoredText } from '../../core/messages.ts';
import { english } from '../../locales/index.ts';
import { writeFileAtomic } from '../../core/write-atomic.ts';
import { basename, dirname, join } from 'node:path';
import type { Logger } from '../../core/log.ts';
import { PermanentError } from '../../core/queue/index.ts';
import type { FileRow, IntakeRecords } from '../intake/index.ts';
import { WHOLE_FILE } from './outcomes/index.ts';
import type { OutcomeRecords } from './outcomes/index.ts';
import type { CsvColumnMapping } from './extract/index.ts';
import type { OpenAIClient } from './openai/index.ts';
import { quarantine, retriedDir } from './quarantine.ts';
import type { InvoiceRecords, InvoiceRow } from './records.ts';

export interface ProcessDeps {
  dataDir: string;
  /** intake.max_bytes.document, in bytes. */
  maxBytes: number;
  /** Set when OPENAI_API_KEY is: photos by vision, PDF text by structured outputs. */
  openai: OpenAIClient | null;
  intakeRecords: IntakeRecords;
  invoices: InvoiceRecords;
  outcomes: OutcomeRecords;
  /** invoices.pdf_timeout_seconds, in milliseconds; default 30 s. */
  pdfTimeoutMs?: number;
  /** invoices.csv_columns, checked against the invoice fields by the config schema. */
  csvColumns: CsvColumnMapping;
  /** Injectable for tests; default the clock. */
  now?: () => number;
}

/** An invoice in review also gets a JSON copy in data/pending/<id>.json, for people working from files. */
export async function keepForReview(dataDir: string, invoice: InvoiceRow, file: FileRow): Promise<void> {
  if (invoice.status !== 'review') return;
  const dir = join(dataDir, 'pending');
  await mkdir(dir, { recursive: true });
  const copy = {
    ...invoice,
    problems: readStored(invoice.problems).map((p) => render(p, english)),
    data: JSON.parse(invoice.data) as unknown,
    file: { id: file.id, name: file.file_name, path: file.path },
  };
  await writeFileAtomic(join(dir, `${invoice.id}.json`), `${JSON.stringify(copy, null, 2)}\n`);
}

/**
 * Quarantines the file with the reason, records the error as the file's outcome and fails the job for good
 * (`centinela retry` or /retry runs it again).
 */
export async function reject(
  d: ProcessDeps,
  file: FileRow,
  path: string,
  why: StoredText,
  log: Logger,
): Promise<never> {
  // The outcome keeps the message (read in each reader's language); the file record, the quarantine note and the
  // log have it in English.
  const reason = render(why, english);
  // A file retried out of quarantine goes back under the name it had there.
  const again = dirname(path) === retriedDir(d.dataDir) ? basename(path) : undefined;
  const info = {
    fileId: file.id,
    originalPath: path,
    fileName: file.file_name,
    sender: file.sender_name,
    sha256: file.sha256,
    error: reason,
  };
  const moved = await quarantine(d.dataDir, info, new Date(), again);
  await d.intakeRecords.updateFile(file.id, { path: moved, error: reason });
  await d.outcomes.put({ fileId: file.id, item: WHOLE_FILE, outcome: 'error', reason: storeTexts([why]) });
  log.warn({ file_id: file.id, quarantined: moved, reason }, 'invoice file quarantined');
  throw new PermanentError(`quarantined: ${reason}`);
}
