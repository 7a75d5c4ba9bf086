// What a rule may look at in a record. A JSON record is seen only through its message and error fields (as our
// pino logs write them), never through fields that carry what users typed; a text record is its whole text.
import { getPath } from '../../core/object-path.ts';
import { rankOf, recordLevel } from '../record-level.ts';
import type { LogRecord } from '../types.ts';

export { toRecord } from '../log-record.ts';

/**
 * The text view of a JSON record, in this order: the message, the error string the queue writes, and the error
 * object pino writes under `err` (message, code, syscall, path, and the wrapped error of grammY's HttpError).
 */
export const VIEW_PATHS: readonly (readonly string[])[] = [
  ['msg'],
  ['error'],
  ['err', 'message'],
  ['err', 'code'],
  ['err', 'syscall'],
  ['err', 'path'],
  ['err', 'error', 'message'],
  // winston and python-json-logger write the log message as `message` (read only when there is no `msg`, where
  // our own lines keep what users typed), python-json-logger the traceback as `exc_info`.
  ['message'],
  ['exc_info'],
];

/** `message` is the log message only for loggers that write no `msg`. */
export function inView(json: Record<string, unknown>, path: readonly string[]): boolean {
  return !(path.length === 1 && path[0] === 'message' && json.msg !== undefined);
}

/** Fields that hold what people typed or named; no condition, capture or view reads them (outside err, which is error data). */
export const USER_TEXT_FIELDS: ReadonlySet<string> = new Set([
  'caption',
  'text',
  'message',
  'file_name',
  'filename',
  'title',
  'description',
  'name',
  'first_name',
  'last_name',
  'username',
  'query',
  'comment',
  'body',
]);

export const MIN_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type MinLevel = (typeof MIN_LEVELS)[number];

export function levelRank(name: MinLevel): number {
  return rankOf(name) as number;
}

/**
 * Whether a record is at minRank or above, by the level it gives itself (JSON level, severity, levelname,
 * log.level, pino/bunyan numbers; a text line's header). A record without a level, or with one we do not know,
 * passes: better a rule too many than a problem missed.
 */
export function meetsLevel(record: LogRecord, minRank: number): boolean {
  const rank = recordLevel(record.text, record.json);
  return rank === undefined || rank >= minRank;
}

/** One line for a person: the message and the error of a JSON record, the first line of a text record. */
export function messageOf(record: LogRecord): string {
  const json = record.json;
  if (!json) return firstLine(record.text);
  const msg = typeof json.msg === 'string' ? json.msg : typeof json.message === 'string' ? json.message : '';
  let error = '';
  for (const path of VIEW_PATHS.slice(1)) {
    if (path[0] === 'message' || path[0] === 'exc_info') continue;
    const v = getPath(json, path);
    if (typeof v === 'string' && v) {
      error = v;
      break;
    }
  }
  const text = msg && error && msg !== error ? `${msg}: ${error}` : msg || error || firstLine(record.text);
  return firstLine(text);
}

const MAX_MESSAGE = 500;

function firstLine(text: string): string {
  const nl = text.indexOf('\n');
  const line = (nl === -1 ? text : text.slice(0, nl)).trim();
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE)}…` : line;
}
