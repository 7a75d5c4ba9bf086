// `centinela invoices review|export`: what waits for a person, and every invoice as CSV or JSON.
import { parseArgs } from 'node:util';
import { InvoiceRecords } from '../pipeline/invoices/index.ts';
import type { InvoiceRow } from '../pipeline/invoices/index.ts';
import { UsageError } from '../usage-error.ts';
import { openContext } from './context.ts';

const COLUMNS = ['id', 'status', 'kind', 'source', 'issued_at', 'series', 'number', 'uuid', 'issuer_rfc', 'issuer_name', 'receiver_rfc', 'receiver_name', 'currency', 'subtotal', 'discount', 'transferred', 'withheld', 'total', 'problems'] as const;

export async function invoices(args: string[], configFile: string | undefined): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { format: { type: 'string' }, since: { type: 'string' }, json: { type: 'boolean' }, config: { type: 'string' } },
    allowPositionals: true,
  });
  const [action] = positionals;
  if (action !== 'review' && action !== 'export') throw new UsageError('invoices: say review or export');
  const format = values.format ?? (values.json ? 'json' : 'csv');
  if (format !== 'csv' && format !== 'json') throw new UsageError(`--format ${format}: csv or json`);
  if (values.since && !/^\d{4}-\d{2}-\d{2}$/.test(values.since)) throw new UsageError(`--since ${values.since}: a date as YYYY-MM-DD`);
  const ctx = await openContext(configFile);
  try {
    const records = new InvoiceRecords(ctx.store);
    let q = records.db.selectFrom('invoices').selectAll().orderBy('id');
    if (action === 'review') q = q.where('status', '=', 'review');
    if (values.since) q = q.where('created_at', '>=', Date.parse(`${values.since}T00:00:00Z`));
    const rows = await q.execute();
    if (action === 'review' && format === 'csv' && !values.format) {
      process.stdout.write(rows.length ? rows.map((r) => `#${r.id} ${r.kind} ${r.issuer_rfc ?? '?'} ${r.total ?? ''}: ${JSON.parse(r.problems).join('; ')}`).join('\n') + '\n' : 'nothing waits for review\n');
      return 0;
    }
    process.stdout.write(format === 'json' ? `${JSON.stringify(rows.map(plain), null, 2)}\n` : toCsv(rows));
    return 0;
  } finally {
    await ctx.close();
  }
}

function plain(r: InvoiceRow): Record<string, unknown> {
  return { ...r, problems: JSON.parse(r.problems) as unknown, data: JSON.parse(r.data) as unknown };
}

function toCsv(rows: InvoiceRow[]): string {
  const cell = (v: unknown): string => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [COLUMNS.join(',')];
  for (const r of rows) lines.push(COLUMNS.map((c) => cell(c === 'problems' ? (JSON.parse(r.problems) as string[]).join('; ') : r[c])).join(','));
  return `${lines.join('\n')}\n`;
}
