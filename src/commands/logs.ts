// `centinela logs [--follow] [--level L] [--component C] [--since T] [--json]`: our JSON log, rotated files
// included (pino-roll's centinela.1.log, centinela.2.log, …, oldest first), printed readably; --follow keeps
// reading the newest file and moves on to the next one when it rotates. A line that is not ours is shown as it is.
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, parseDuration } from '../core/config.ts';
import { LOG_FILE_NAME } from '../core/log.ts';
import { parseLogLine, prettyRecord } from '../core/log-pretty.ts';
import { UsageError } from '../usage-error.ts';

const LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'];
const ROTATED = /^centinela\.(\d+)\.log$/;
const POLL_MS = 250;

interface Filter {
  minLevel: number;
  component: string | null;
  since: number | null;
}

export async function logs(args: string[], configFile: string | undefined): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      follow: { type: 'boolean', short: 'f' },
      level: { type: 'string' },
      component: { type: 'string' },
      since: { type: 'string' },
      json: { type: 'boolean' },
      config: { type: 'string' },
    },
    allowPositionals: false,
  });
  const filter = parseFilter(values.level, values.component ?? null, values.since ?? null, Date.now());
  const { config } = loadConfig({ file: configFile });
  const dir = config.paths.logs;
  process.stdout.on('error', () => process.exit(0)); // `| head` closed the pipe
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
  const show = (line: string): void => {
    const r = parseLogLine(line);
    if (r && !passes(r, filter)) return;
    process.stdout.write(`${r && !values.json ? prettyRecord(r, color) : line}\n`);
  };

  const files = await logFiles(dir);
  if (files.length === 0 && !values.follow) {
    process.stderr.write(`centinela: no log files in ${dir} (paths.logs)\n`);
    return 1;
  }
  let current: { path: string; offset: number } | null = null;
  for (const path of files) {
    const info = await stat(path).catch(() => null);
    // A file last written before --since holds nothing newer (the newest is read anyway, for --follow).
    if (!info || (filter.since !== null && info.mtimeMs < filter.since && path !== files.at(-1))) continue;
    current = { path, offset: await readFrom(path, 0, show, true) };
  }
  if (!values.follow) return 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    const now = await logFiles(dir);
    const newest = now.at(-1);
    if (!newest) continue;
    if (current && current.path !== newest && now.includes(current.path)) {
      // Rotated: the rest of the old file first, then every newer one from its start.
      await readFrom(current.path, current.offset, show, true);
      const later = now.slice(now.indexOf(current.path) + 1);
      for (const path of later.slice(0, -1)) await readFrom(path, 0, show, true);
      current = { path: newest, offset: 0 };
    } else if (!current || !now.includes(current.path)) {
      current = { path: newest, offset: 0 };
    }
    current.offset = await readFrom(current.path, current.offset, show, false);
  }
}

function parseFilter(level: string | undefined, component: string | null, since: string | null, now: number): Filter {
  const minLevel = level === undefined ? 0 : LEVELS.indexOf(level.toUpperCase());
  if (minLevel < 0) throw new UsageError(`--level ${level}: use one of ${LEVELS.join(', ').toLowerCase()}`);
  let from: number | null = null;
  if (since !== null) {
    const ago = parseDuration(since);
    from = ago !== null ? now - ago : Date.parse(since);
    if (Number.isNaN(from))
      throw new UsageError(`--since ${since}: give a duration (30m, 2h, 1d) or a time (2026-01-05, 2026-01-05T14:30Z)`);
  }
  return { minLevel, component, since: from };
}

function passes(r: Record<string, unknown>, f: Filter): boolean {
  if (LEVELS.indexOf(String(r.level)) < f.minLevel) return false;
  if (f.component !== null) {
    const c = typeof r.component === 'string' ? r.component : '';
    if (c !== f.component && !c.startsWith(`${f.component}.`)) return false;
  }
  if (f.since !== null && typeof r.ts === 'string' && Date.parse(r.ts) < f.since) return false;
  return true;
}

/** Our log files, oldest first: the numbered ones, else a plain centinela.log. */
async function logFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const numbered = names
    .map((n) => ({ n, m: ROTATED.exec(n) }))
    .filter((x) => x.m)
    .sort((a, b) => Number(a.m?.[1]) - Number(b.m?.[1]))
    .map((x) => join(dir, x.n));
  if (numbered.length > 0) return numbered;
  return names.includes(LOG_FILE_NAME) ? [join(dir, LOG_FILE_NAME)] : [];
}

/**
 * Hands every whole line from `offset` on to `onLine`; returns the offset after the last whole line. `toEnd` also
 * hands on an unfinished last line (a file that rotated away will get no newline).
 */
async function readFrom(path: string, offset: number, onLine: (line: string) => void, toEnd: boolean): Promise<number> {
  const fh = await open(path, 'r').catch(() => null);
  if (!fh) return offset;
  try {
    const size = (await fh.stat()).size;
    if (size < offset) offset = 0; // truncated: start again
    const buf = Buffer.allocUnsafe(64 * 1024);
    let pending = Buffer.alloc(0);
    let pos = offset;
    let done = offset;
    while (pos < size) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, size - pos), pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      pending = Buffer.concat([pending, buf.subarray(0, bytesRead)]);
      let nl: number;
      while ((nl = pending.indexOf(10)) >= 0) {
        onLine(pending.subarray(0, nl).toString('utf8'));
        done += nl + 1;
        pending = pending.subarray(nl + 1);
      }
    }
    if (toEnd && pending.length > 0) {
      onLine(pending.toString('utf8'));
      done += pending.length;
    }
    return done;
  } finally {
    await fh.close();
  }
}
