// `centinela extract FILE... [--json]`: reads invoices from files without storing anything, for users checking
// a file. CFDI XML for now; the other kinds arrive with their extractors.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { CfdiError, fromCfdi, parseCfdi } from '../pipeline/invoices/index.ts';
import { UsageError } from '../usage-error.ts';

export async function extract(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' }, config: { type: 'string' } }, allowPositionals: true });
  if (positionals.length === 0) throw new UsageError('extract: name one or more files');
  const results: Array<{ file: string; ok: boolean; kind?: string; invoice?: Record<string, unknown>; error?: string }> = [];
  for (const file of positionals) {
    try {
      const parsed = parseCfdi(await readFile(file));
      const row = fromCfdi(parsed);
      results.push({ file, ok: true, kind: row.kind, invoice: { ...row, data: JSON.parse(row.data) as unknown, problems: JSON.parse(row.problems) as unknown } });
    } catch (err) {
      const message = err instanceof CfdiError ? err.message : (err as NodeJS.ErrnoException).code === 'ENOENT' ? `no such file: ${file}` : (err as Error).message;
      results.push({ file, ok: false, error: message });
    }
  }
  if (values.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else {
    for (const r of results) {
      if (!r.ok) process.stdout.write(`✗ ${r.file}: ${r.error}\n`);
      else {
        const i = r.invoice as Record<string, string | null>;
        process.stdout.write(`✓ ${r.file}: ${r.kind} ${i.uuid ?? '(not stamped)'} ${i.issuer_rfc ?? '?'} → ${i.receiver_rfc ?? '?'} total ${i.total} ${i.currency ?? ''}\n`);
      }
    }
  }
  return results.every((r) => r.ok) ? 0 : 1;
}
