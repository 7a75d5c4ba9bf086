// Lines to log records: a line matching multiline_start opens a record, other lines (an indented stack trace)
// join it with \n. Once a record opened with a header (JSON, a timestamp, a level word), a line without one is its
// continuation whatever multiline_start says: a user's caption logged at INFO as "nice clip\nError: ENOSPC …" is
// one INFO record, and a traceback under an ERROR line is part of that ERROR record. A record is passed on when
// the next one starts, after an idle time, or when its file ends.
import { toRecord } from '../log-record.ts';
import { hasHeader } from '../record-level.ts';
import type { LogRecord } from '../types.ts';
import type { LineSink } from './lines.ts';

/** A record on its way to onRecords, with the file it came from, the offset of its first line and the one just after it. */
export interface Emitted<O> {
  record: LogRecord;
  owner: O;
  start: number;
  end: number;
}

export interface PendingRecord {
  text: string;
  start: number;
  end: number;
  /** When its last line arrived (epoch ms). */
  at: number;
  /** Its first line has a header: lines without one continue it. */
  headed?: boolean;
}

export class RecordAssembler<O> implements LineSink {
  readonly owner: O;
  /** The file's path as configured (a symlink's own path): what rules see as the record's source. */
  source: string;
  /** Where records go; the reader points it at the tailer's outgoing queue. */
  out: Emitted<O>[] = [];
  /** The clock reading for lines fed now. */
  now = 0;
  readonly #start: RegExp;
  readonly #maxChars: number;
  #pending: PendingRecord | null = null;

  constructor(owner: O, source: string, multilineStart: RegExp, maxLineBytes: number) {
    this.owner = owner;
    this.source = source;
    // g and y make test() stateful (lastIndex): one shared regex would then skip matches.
    this.#start = new RegExp(multilineStart.source, multilineStart.flags.replace(/[gy]/g, ''));
    this.#maxChars = maxLineBytes;
  }

  line(text: string, start: number, end: number): void {
    if (text.length === 0) return; // an empty line carries nothing
    const p = this.#pending;
    // A JSON line is whole: nothing continues it (joining would only spoil its parse).
    const continues =
      p !== null && !isJsonLine(p.text) && (!this.#start.test(text) || (p.headed === true && !hasHeader(text)));
    if (p !== null && continues && p.text.length + text.length < this.#maxChars) {
      p.text += `\n${text}`;
      p.end = end;
      p.at = this.now;
      return;
    }
    // A record that would grow past max_line_bytes is passed on, and the line starts the next one: bounded, no loss.
    if (p !== null) this.#emit(p);
    this.#pending = { text, start, end, at: this.now, headed: hasHeader(text) };
  }

  /** Offset of the first byte of the record still being assembled, or null. */
  get pendingStart(): number | null {
    return this.#pending?.start ?? null;
  }

  /** When the pending record last grew, or null. */
  get pendingSince(): number | null {
    return this.#pending?.at ?? null;
  }

  flush(): void {
    if (this.#pending !== null) this.#emit(this.#pending);
    this.#pending = null;
  }

  reset(): void {
    this.#pending = null;
  }

  snapshot(): PendingRecord | null {
    return this.#pending ? { ...this.#pending } : null;
  }

  restore(state: PendingRecord | null): void {
    this.#pending = state ? { ...state } : null;
  }

  #emit(p: PendingRecord): void {
    this.out.push({ record: toRecord(p.text, this.source), owner: this.owner, start: p.start, end: p.end });
  }
}

function isJsonLine(text: string): boolean {
  return text.charCodeAt(0) === 123 && text.charCodeAt(text.length - 1) === 125;
}
