// The level a log record gives itself, read from its own level field (JSON) or its header (plain text), and whether
// a plain-text line opens a record at all. Shared by tail/ (a line without a header continues the record before it
// when that one had a header) and rules/ (rules act only on records at min_level or above, or with no level).

/** trace 0 … fatal 5; pino/bunyan numbers (10 … 60) and the usual names in either case. */
const LEVEL_RANKS = new Map<unknown, number>();
for (const [rank, names] of [
  [0, ['TRACE']],
  [1, ['DEBUG']],
  [2, ['INFO', 'NOTICE']],
  [3, ['WARN', 'WARNING']],
  [4, ['ERROR', 'ERR']],
  [5, ['FATAL', 'CRITICAL', 'CRIT', 'PANIC', 'ALERT', 'EMERG']],
] as const) {
  for (const name of names) {
    LEVEL_RANKS.set(name, rank);
    LEVEL_RANKS.set(name.toLowerCase(), rank);
    LEVEL_RANKS.set(name[0] + name.slice(1).toLowerCase(), rank);
  }
  LEVEL_RANKS.set((rank + 1) * 10, rank);
}

export function rankOf(level: unknown): number | undefined {
  return LEVEL_RANKS.get(level);
}

/** Where JSON loggers keep the level: pino/bunyan/winston `level`, GCP `severity`, python-json-logger `levelname`, ECS `log.level`. */
function jsonLevel(json: Record<string, unknown>): unknown {
  if (json.level !== undefined) return json.level;
  if (json.severity !== undefined) return json.severity;
  if (json.levelname !== undefined) return json.levelname;
  if (json['log.level'] !== undefined) return json['log.level'];
  const log = json.log;
  return log !== null && typeof log === 'object' ? (log as Record<string, unknown>).level : undefined;
}

/** docker-compose's `service-1  | `; journald's `Jan 05 14:30:20 host app[123]: `. */
const SOURCE_PREFIX = /^(?:[\w.-]+ *\| ?)?(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ [\w./@-]+(?:\[\d+\])?: )?/;
/** An ISO-like timestamp, bracketed or not, and what tools put after it (` - `, `,`). */
const TIMESTAMP = /^\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?\]?(?: *-)? */;
/** A level word at the start: `ERROR`, `[error]`, `ERROR:root:`, `ERROR in app:`, after an optional `logger.name - `. */
const LEVEL_WORD =
  /^(?:[\w.]+ - )?\[?(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|CRIT|trace|debug|info|notice|warn|warning|error|fatal|critical)\]?(?=[\s:\]-]|$)/;

/** The rank of a plain-text line's header level, or undefined when it has none. Lower-case words count only in brackets or after a timestamp. */
export function textLevel(line: string): number | undefined {
  const rest = line.slice(SOURCE_PREFIX.exec(line)?.[0].length ?? 0);
  const ts = TIMESTAMP.exec(rest);
  const after = ts ? rest.slice(ts[0].length) : rest;
  const m = LEVEL_WORD.exec(after);
  if (!m) return undefined;
  const word = m[1] as string;
  if (!ts && word === word.toLowerCase() && !after.startsWith('[')) return undefined; // "error: …" is a message, not a level
  return LEVEL_RANKS.get(word);
}

/** Whether a line opens a record by itself: JSON, a timestamp, a journald/compose prefix with one, or a level word. */
export function hasHeader(line: string): boolean {
  const prefix = SOURCE_PREFIX.exec(line)?.[0] ?? '';
  const rest = line.slice(prefix.length);
  if (rest.startsWith('{')) return true;
  if (prefix.includes(':') && prefix.length > 0 && /\d\d:\d\d:\d\d/.test(prefix)) return true;
  return TIMESTAMP.test(rest) || textLevel(rest) !== undefined;
}

/** The record's level rank: its JSON level field, else its first line's header; undefined when it gives none. */
export function recordLevel(text: string, json: Record<string, unknown> | null): number | undefined {
  if (json) {
    const level = jsonLevel(json);
    if (level === undefined) return undefined;
    return LEVEL_RANKS.get(level) ?? (typeof level === 'string' ? LEVEL_RANKS.get(level.toUpperCase()) : undefined);
  }
  const nl = text.indexOf('\n');
  return textLevel(nl === -1 ? text : text.slice(0, nl));
}
