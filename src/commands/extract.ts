// `centinela extract FILE... [--json]`: reads invoices from files without storing anything, for users checking a
// file. Every kind the pipeline reads, through the pipeline's own functions: the file check (type by its bytes and
// name), CFDI XML, a PDF's text layer (heuristic, or the model with OPENAI_API_KEY), photos by vision (with the
// key), CSV one invoice per row (invoices.csv_columns). One result per invoice: a CSV gives one per row.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config.ts';
import type { Config } from '../core/config.ts';
import { createLog } from '../core/log.ts';
import {
  UnreadableFile,
  checkInvoiceFile,
  csvInvoiceRows,
  invoiceFromCsvRow,
  openAIFromConfig,
  readInvoiceFile,
} from '../pipeline/invoices/index.ts';
import type { NewInvoice, OpenAIClient } from '../pipeline/invoices/index.ts';
import { readStored, render } from '../core/messages.ts';
import { english } from '../locales/index.ts';

interface Result {
  file: string;
  /** A CSV row's line; absent for a file that holds one invoice. */
  row?: number;
  ok: boolean;
  kind?: string;
  invoice?: Record<string, unknown>;
  error?: string;
}

const PHOTO_NEEDS_KEY =
  'a photo is read by OpenAI vision: set OPENAI_API_KEY (and invoices.openai.* if you use another endpoint) and run extract again';
import { UsageError } from '../usage-error.ts';

export async function extract(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { json: { type: 'boolean' }, config: { type: 'string' } },
    allowPositionals: true,
  });
  if (positionals.length === 0) throw new UsageError('extract: name one or more files');
  const { config, secrets } = loadConfig({ file: values.config });
  const log = await createLog({
    level: 'warn',
    dir: null,
    stdout: false,
    rotate: config.log.rotate,
    secrets: Object.values(secrets),
    stdoutStream: process.stderr,
  });
  const openai = secrets.OPENAI_API_KEY
    ? await openAIFromConfig(config, secrets.OPENAI_API_KEY, log.for('extract'))
    : null;
  const results: Result[] = [];
  try {
    for (const file of positionals) results.push(...(await extractFile(file, config, openai)));
  } finally {
    await log.close();
  }
  if (values.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else for (const r of results) process.stdout.write(`${line(r)}\n`);
  return results.every((r) => r.ok) ? 0 : 1;
}

async function extractFile(file: string, config: Config, openai: OpenAIClient | null): Promise<Result[]> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return [
      {
        file,
        ok: false,
        error:
          code === 'ENOENT'
            ? `no such file: ${file}`
            : code === 'EISDIR'
              ? `${file} is a folder: name the files in it`
              : (err as Error).message,
      },
    ];
  }
  const checked = await checkInvoiceFile({
    bytes,
    fileName: basename(file),
    maxBytes: config.intake.max_bytes.document,
    csvRows: 'row',
  });
  if (!checked.ok) return [{ file, ok: false, error: checked.reason }];
  const now = new Date();
  if (checked.type === 'csv') {
    const read = csvInvoiceRows(bytes, config.invoices.csv_columns);
    if ('error' in read)
      return [{ file, ok: false, error: `${render(read.error, english)} (columns from invoices.csv_columns)` }];
    return read.rows.map((r) =>
      r.fields
        ? { file, row: r.row, ok: true, ...shown(invoiceFromCsvRow(r.fields, r.row, now)) }
        : { file, row: r.row, ok: false, error: r.error ?? 'the row cannot be read' },
    );
  }
  if (checked.type !== 'xml' && checked.type !== 'pdf' && !openai) return [{ file, ok: false, error: PHOTO_NEEDS_KEY }];
  try {
    const reading = await readInvoiceFile(checked.type, bytes, openai, now, new AbortController().signal, {
      pdfTimeoutMs: config.invoices.pdf_timeout_seconds * 1000,
    });
    return [{ file, ok: true, ...shown(reading.invoice) }];
  } catch (err) {
    return [
      {
        file,
        ok: false,
        error: err instanceof UnreadableFile ? err.message : `could not read it: ${(err as Error).message}`,
      },
    ];
  }
}

function shown(row: NewInvoice): { kind: string; invoice: Record<string, unknown> } {
  return {
    kind: row.kind,
    invoice: {
      ...row,
      data: JSON.parse(row.data) as unknown,
      problems: readStored(row.problems).map((p) => render(p, english)),
    },
  };
}

function line(r: Result): string {
  const where = r.row === undefined ? r.file : `${r.file}, row ${r.row}`;
  if (!r.ok) return `✗ ${where}: ${r.error}`;
  const i = r.invoice as Record<string, unknown>;
  const text = (k: string): string => (typeof i[k] === 'string' ? (i[k] as string) : '?');
  const problems =
    Array.isArray(i.problems) && i.problems.length > 0 ? ` — ${String(i.status)}: ${i.problems.join('; ')}` : '';
  return `✓ ${where}: ${r.kind} ${typeof i.uuid === 'string' ? i.uuid : '(not stamped)'} ${text('issuer_rfc')} → ${text('receiver_rfc')} total ${text('total')} ${typeof i.currency === 'string' ? i.currency : ''}${problems}`;
}
