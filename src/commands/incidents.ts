// `centinela incidents [--open] [--type T] [--json] [--limit N]`: what the monitor found, read from the store
// (whether or not the service runs), as a table with counts by type, or as one JSON array.
import { parseArgs } from 'node:util';
import { UsageError } from '../usage-error.ts';
import { Incidents } from '../monitor/index.ts';
import type { Incident } from '../monitor/index.ts';
import { openContext } from './context.ts';

const DEFAULT_LIMIT = 50;
const MESSAGE_CHARS = 70;

export async function incidents(args: string[], configFile: string | undefined): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      open: { type: 'boolean' },
      type: { type: 'string' },
      json: { type: 'boolean' },
      limit: { type: 'string' },
      config: { type: 'string' },
    },
    allowPositionals: false,
  });
  const limit = values.limit === undefined ? DEFAULT_LIMIT : Number(values.limit);
  if (!Number.isInteger(limit) || limit <= 0 || limit > 10_000)
    throw new UsageError(`--limit ${values.limit}: a whole number from 1 to 10000`);
  const type = values.type?.trim();
  if (values.type !== undefined && !type)
    throw new UsageError('--type: name an error type, such as download_timeout (see the counts by type)');
  const open = values.open ?? false;

  const ctx = await openContext(configFile);
  try {
    const store = new Incidents(ctx.store, { journal: null });
    const list = await store.list({ open, type, limit });
    if (values.json) {
      process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
      return 0;
    }
    const counts = (await store.countsByType({ open })).filter((c) => !type || c.errorType === type);
    process.stdout.write(renderIncidents(list, counts, { open, type }));
    return 0;
  } finally {
    await ctx.close();
  }
}

/** The table, then the counts by type; a line saying so when nothing matches. */
export function renderIncidents(
  list: readonly Incident[],
  counts: ReadonlyArray<{ errorType: string; count: number; open: number }>,
  filter: { open: boolean; type?: string },
): string {
  if (list.length === 0) {
    const what = [filter.open ? 'open ' : '', 'incidents', filter.type ? ` of type ${filter.type}` : ''].join('');
    return `no ${what}\n`;
  }
  const header = ['ID', 'STATE', 'SEVERITY', 'TYPE', 'COUNT', 'LAST SEEN (UTC)', 'TARGET', 'MESSAGE'];
  const rows = list.map((i) => [
    `#${i.id}`,
    i.state + (i.attempt > 0 && i.state === 'retrying' ? ` ${i.attempt}/${i.maxAttempts}` : ''),
    i.severity,
    i.errorType,
    String(i.count),
    new Date(i.lastSeen).toISOString().slice(0, 19).replace('T', ' '),
    i.target,
    oneLine(i.message),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  // The message column is last and unpadded: long ones wrap in the terminal rather than widen every row.
  const line = (cells: string[]): string =>
    cells.map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c] ?? 0))).join('  ');
  const byType = counts.map(
    (c) => `  ${c.errorType.padEnd(Math.max(...counts.map((x) => x.errorType.length)))}  ${c.count} (${c.open} open)`,
  );
  return `${[line(header), ...rows.map(line)].join('\n')}\n\nby type:\n${byType.join('\n')}\n`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MESSAGE_CHARS ? `${flat.slice(0, MESSAGE_CHARS - 1)}…` : flat;
}
