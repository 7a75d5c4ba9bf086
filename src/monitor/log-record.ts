// The one "text → log record" reading, shared by the live tailer, the Docker log follower (both through tail/'s
// RecordAssembler) and `centinela rules test` with its samples: one JSON object is `json`, anything else is text.
import type { LogRecord } from './types.ts';

/** A raw line or joined record (a trailing newline dropped) as the record rules see. */
export function toRecord(line: string, source = 'input'): LogRecord {
  let text = line;
  if (text.endsWith('\n')) text = text.slice(0, text.endsWith('\r\n') ? -2 : -1);
  return { source, text, json: parseObject(text) };
}

/** The object when the text (white space around it aside) is one JSON object, else null; a cheap test of its first and last characters spares JSON.parse. */
function parseObject(text: string): Record<string, unknown> | null {
  let start = 0;
  while (start < text.length && isSpace(text.charCodeAt(start))) start++;
  let end = text.length - 1;
  while (end > start && isSpace(text.charCodeAt(end))) end--;
  if (text.charCodeAt(start) !== 0x7b || text.charCodeAt(end) !== 0x7d) return null; // { … }
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d || code === 0x0a;
}
