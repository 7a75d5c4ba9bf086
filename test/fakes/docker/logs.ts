// GET /containers/{id}/logs: lines selected by stream, since/until and tail, optionally stamped (RFC3339Nano), framed
// as Docker's multiplexed stream (8-byte header: stream type, 3 zero bytes, big-endian payload size) or raw for a TTY.
import type { LogLine } from './containers.ts';
import { rfc3339Nano } from './time.ts';

export interface LogQuery {
  stdout: boolean;
  stderr: boolean;
  since: bigint | null;
  until: bigint | null;
  timestamps: boolean;
  /** null: all. */
  tail: number | null;
}

export function parseTail(raw: string | null): number | null {
  if (raw === null || raw === '' || raw === 'all') return null;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : null;
}

export function wanted(line: LogLine, q: LogQuery): boolean {
  if (line.stream === 1 ? !q.stdout : !q.stderr) return false;
  if (q.since !== null && line.ns < q.since) return false;
  if (q.until !== null && line.ns > q.until) return false;
  return true;
}

export function selectLines(lines: readonly LogLine[], q: LogQuery): LogLine[] {
  const picked = lines.filter((l) => wanted(l, q));
  return q.tail === null ? picked : q.tail === 0 ? [] : picked.slice(-q.tail);
}

/** One line on the wire: a frame per line (Docker writes one per log message), or the bare bytes for a TTY. */
export function encodeLine(line: LogLine, q: LogQuery, tty: boolean): Buffer {
  const payload = Buffer.from(`${q.timestamps ? `${rfc3339Nano(line.ns)} ` : ''}${line.text}\n`);
  if (tty) return payload;
  const header = Buffer.alloc(8);
  header.writeUInt8(line.stream, 0);
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}
