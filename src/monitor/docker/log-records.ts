// A container's log lines into records, joined as the tailer joins a file's (the same RecordAssembler): a line
// matching the start pattern opens a record, others (an indented stack trace) join it. stdout and stderr are
// joined apart, as they are written apart. Tracks the oldest line still held, for a checkpoint that loses nothing.
import { RecordAssembler } from '../tail/index.ts';
import type { LogRecord } from '../types.ts';
import type { ContainerLogLine } from './frames.ts';

type Stream = ContainerLogLine['stream'];

export class ContainerRecords {
  readonly #assemblers: Record<Stream, RecordAssembler<Stream>>;
  /** Docker's timestamp of each line held in a record not yet handed on, by its sequence number. */
  readonly #held = new Map<number, bigint>();
  #seq = 0;
  /** The newest line seen. */
  #lastNs = 0n;

  constructor(container: string, multilineStart: RegExp, maxRecordChars: number) {
    const make = (stream: Stream): RecordAssembler<Stream> =>
      new RecordAssembler(stream, `docker:${container}`, multilineStart, maxRecordChars);
    this.#assemblers = { stdout: make('stdout'), stderr: make('stderr') };
  }

  /** Feeds lines; returns the records they completed, in the order their last lines came. */
  push(lines: readonly ContainerLogLine[], now = Date.now()): LogRecord[] {
    for (const l of lines) {
      const a = this.#assemblers[l.stream];
      a.now = now;
      const seq = this.#seq++;
      this.#held.set(seq, l.ns);
      a.line(l.text, seq, seq + 1);
      if (l.ns > this.#lastNs) this.#lastNs = l.ns;
    }
    return this.#take();
  }

  /** Hands on what is held (the stream went quiet, or ended). */
  flush(): LogRecord[] {
    for (const a of Object.values(this.#assemblers)) a.flush();
    return this.#take();
  }

  get holding(): boolean {
    return Object.values(this.#assemblers).some((a) => a.pendingStart !== null);
  }

  /**
   * Where the log may be read from again without losing a held line: just before the oldest held line, else the
   * newest line seen (Docker's `since` is inclusive; the follower skips lines at or before it).
   */
  checkpoint(): bigint {
    const starts = Object.values(this.#assemblers).flatMap((a) => (a.pendingStart === null ? [] : [a.pendingStart]));
    if (starts.length === 0) return this.#lastNs;
    const oldest = this.#held.get(Math.min(...starts)) ?? this.#lastNs;
    return oldest - 1n;
  }

  #take(): LogRecord[] {
    const out = [...this.#assemblers.stdout.out, ...this.#assemblers.stderr.out].sort((a, b) => a.end - b.end);
    this.#assemblers.stdout.out = [];
    this.#assemblers.stderr.out = [];
    const starts = Object.values(this.#assemblers).flatMap((a) => (a.pendingStart === null ? [] : [a.pendingStart]));
    const keepFrom = starts.length === 0 ? this.#seq : Math.min(...starts);
    for (const seq of this.#held.keys()) {
      if (seq >= keepFrom) break;
      this.#held.delete(seq);
    }
    return out.map((e) => e.record);
  }
}
