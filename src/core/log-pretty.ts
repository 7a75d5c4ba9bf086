// Our JSON log lines as people read them on a terminal, one line each: time (UTC), level, component, message, then
// the other fields as key=value. What is not one of our JSON lines is returned as it is.

const SKIP = new Set(['ts', 'level', 'component', 'app', 'msg', 'err']);
const MAX_VALUE = 300;
const COLORS: Record<string, string> = { ERROR: '\x1b[31m', WARN: '\x1b[33m', INFO: '\x1b[32m', DEBUG: '\x1b[90m' };
const RESET = '\x1b[0m';

export type LogRecordJson = Record<string, unknown>;

/** The line parsed as one of our records (an object with a level), else null. */
export function parseLogLine(line: string): LogRecordJson | null {
  if (!line.startsWith('{')) return null;
  try {
    const v = JSON.parse(line) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as LogRecordJson).level === 'string'
      ? (v as LogRecordJson)
      : null;
  } catch {
    return null;
  }
}

/** `2026-01-05 14:30:20.123 INFO  bot: video received request_id=u-8812 model=victor` */
export function prettyRecord(r: LogRecordJson, color = false): string {
  const ts = typeof r.ts === 'string' ? r.ts.replace('T', ' ').replace(/Z$/, '') : '';
  const level = String(r.level);
  const shownLevel = level.padEnd(5);
  const parts = [ts, color && COLORS[level] ? `${COLORS[level]}${shownLevel}${RESET}` : shownLevel];
  const head = typeof r.component === 'string' ? `${r.component}: ` : '';
  parts.push(`${head}${typeof r.msg === 'string' ? r.msg : ''}`);
  const err = r.err as { type?: unknown; message?: unknown } | undefined;
  if (err && typeof err === 'object')
    parts.push(`err=${quote(`${typeof err.type === 'string' ? `${err.type}: ` : ''}${String(err.message ?? '')}`)}`);
  for (const [key, value] of Object.entries(r)) {
    if (SKIP.has(key) || value === undefined) continue;
    parts.push(`${key}=${quote(typeof value === 'string' ? value : JSON.stringify(value))}`);
  }
  return parts.filter(Boolean).join(' ');
}

/** A log line (JSON or not) as one readable line, without its newline. */
export function prettyLine(line: string, color = false): string {
  const r = parseLogLine(line.trimEnd());
  return r ? prettyRecord(r, color) : line.trimEnd();
}

function quote(value: string): string {
  const cut = value.length > MAX_VALUE ? `${value.slice(0, MAX_VALUE)}…` : value;
  return /[\s"=]/.test(cut) || cut === '' ? JSON.stringify(cut) : cut;
}
