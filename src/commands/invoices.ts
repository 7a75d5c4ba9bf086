// `centinela invoices review|approve|reject|export`: what waits for a person, the person's decision on it, and every
// invoice as CSV or JSON.
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { readStored, render, renderAll } from '../core/messages.ts';
import { english } from '../locales/index.ts';
import { CORRECTABLE_FIELDS, InvoiceRecords, ReviewRecords, ReviewError } from '../pipeline/invoices/index.ts';
import type { InvoiceRow } from '../pipeline/invoices/index.ts';
import { UsageError } from '../usage-error.ts';
import { openContext } from './context.ts';

const COLUMNS = [
  'id',
  'status',
  'kind',
  'source',
  'issued_at',
  'series',
  'number',
  'uuid',
  'issuer_rfc',
  'issuer_name',
  'receiver_rfc',
  'receiver_name',
  'currency',
  'subtotal',
  'discount',
  'transferred',
  'withheld',
  'total',
  'problems',
] as const;

export async function invoices(args: string[], configFile: string | undefined): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      format: { type: 'string' },
      since: { type: 'string' },
      json: { type: 'boolean' },
      config: { type: 'string' },
      field: { type: 'string', multiple: true },
      reason: { type: 'string' },
      by: { type: 'string' },
    },
    allowPositionals: true,
  });
  const [action, target] = positionals;
  if (action === 'approve' || action === 'reject') return decide(action, target, values, configFile);
  if (action !== 'review' && action !== 'export')
    throw new UsageError('invoices: say review, approve, reject or export');
  const format = values.format ?? (values.json ? 'json' : 'csv');
  if (format !== 'csv' && format !== 'json') throw new UsageError(`--format ${format}: csv or json`);
  if (values.since !== undefined && !isCalendarDate(values.since)) {
    throw new UsageError(`--since ${values.since}: not a calendar date; write YYYY-MM-DD, e.g. --since 2026-01-31`);
  }
  const ctx = await openContext(configFile);
  try {
    const records = new InvoiceRecords(ctx.store);
    let q = records.db.selectFrom('invoices').selectAll().orderBy('id');
    if (action === 'review') q = q.where('status', '=', 'review');
    if (values.since) q = q.where('created_at', '>=', Date.parse(`${values.since}T00:00:00Z`));
    const rows = await q.execute();
    if (action === 'review' && format === 'csv' && !values.format) {
      // As /review shows them: the invoice and its files (the #N that /batch shows and retry takes), a word for what is missing.
      const filesOf = await records.fileIdsOf(rows.map((r) => r.id));
      const files = (ids: readonly number[] = []): string =>
        ids.length ? `${ids.length === 1 ? 'file' : 'files'} ${ids.map((id) => `#${id}`).join(', ')}` : 'no file';
      const line = (r: InvoiceRow): string =>
        `invoice #${r.id} · ${files(filesOf.get(r.id))} · ${r.kind} · ${r.issuer_rfc ?? r.issuer_name ?? 'no issuer RFC'} · ${r.total ?? 'no total'}: ${renderAll(readStored(r.problems), english) || 'no reason recorded'}`;
      process.stdout.write(rows.length ? `${rows.map(line).join('\n')}\n` : 'nothing waits for review\n');
      if (rows.length)
        process.stdout.write(
          `decide: centinela invoices approve ID [--field total=1160.00 ...] | centinela invoices reject ID [--reason TEXT]\n`,
        );
      return 0;
    }
    process.stdout.write(format === 'json' ? `${JSON.stringify(rows.map(plain), null, 2)}\n` : toCsv(rows));
    return 0;
  } finally {
    await ctx.close();
  }
}

/** `invoices approve ID [--field k=v]... [--by NAME]` and `invoices reject ID [--reason TEXT] [--by NAME]`. */
async function decide(
  action: 'approve' | 'reject',
  target: string | undefined,
  values: { field?: string[]; reason?: string; by?: string; json?: boolean },
  configFile: string | undefined,
): Promise<number> {
  const id = Number(target?.replace(/^#/, '')); // "#12" as the review lists write it
  if (!target || !Number.isInteger(id) || id <= 0)
    throw new UsageError(
      `invoices ${action}: name the invoice by its id (the #N that \`centinela invoices review\` shows)`,
    );
  const fields: Record<string, string> = {};
  for (const pair of values.field ?? []) {
    const at = pair.indexOf('=');
    if (at <= 0)
      throw new UsageError(
        `--field ${pair}: write FIELD=VALUE, e.g. --field total=1160.00 (fields: ${CORRECTABLE_FIELDS.join(', ')})`,
      );
    fields[pair.slice(0, at).trim()] = pair.slice(at + 1);
  }
  if (action === 'reject' && Object.keys(fields).length > 0)
    throw new UsageError('invoices reject takes no --field: corrections are for approve');
  const by = `${values.by ?? (process.env.USER || userInfo().username)} (cli)`;
  const ctx = await openContext(configFile);
  try {
    const reviews = new ReviewRecords(ctx.store, ctx.config.paths.data);
    try {
      reviews.corrections(fields); // a bad value is a usage error, before anything is opened for writing
    } catch (err) {
      if (err instanceof ReviewError) throw new UsageError(err.message);
      throw err;
    }
    const { invoice, review } = await reviews.decide(id, {
      decision: action === 'approve' ? 'approved' : 'rejected',
      by,
      fields,
      reason: values.reason,
    });
    if (values.json)
      process.stdout.write(
        `${JSON.stringify({ invoice: plain(invoice), review: { ...review, changes: JSON.parse(review.changes) as unknown } }, null, 2)}\n`,
      );
    else {
      const changes = Object.entries(JSON.parse(review.changes) as Record<string, { from: unknown; to: unknown }>).map(
        ([k, c]) => `${k} ${String(c.from ?? '∅')} → ${String(c.to)}`,
      );
      process.stdout.write(
        `invoice #${invoice.id} ${review.decision} by ${review.by_name} at ${new Date(Number(review.at)).toISOString()}${changes.length ? `; ${changes.join(', ')}` : ''}\n`,
      );
    }
    return 0;
  } catch (err) {
    if (!(err instanceof ReviewError)) throw err;
    process.stderr.write(`centinela: ${err.message}\n`);
    return 1;
  } finally {
    await ctx.close();
  }
}

function plain(r: InvoiceRow): Record<string, unknown> {
  return { ...r, problems: readStored(r.problems).map((p) => render(p, english)), data: JSON.parse(r.data) as unknown };
}

/** "2026-01-31" yes; "2026-13-45", "2026-02-30" and "yesterday" no. */
function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/**
 * One CSV cell. A spreadsheet runs a cell that starts with =, +, -, @, tab or CR as a formula, so such a text gets a
 * leading ' (the OWASP rule for CSV injection); a number ("-116.00") stays a number.
 */
export function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s) && !/^[+-]?\d+(?:\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function toCsv(rows: InvoiceRow[]): string {
  const cell = csvCell;
  const lines = [COLUMNS.join(',')];
  for (const r of rows)
    lines.push(
      COLUMNS.map((c) => cell(c === 'problems' ? renderAll(readStored(r.problems), english) : r[c])).join(','),
    );
  return `${lines.join('\n')}\n`;
}
