// One log file being read: its open handle, where reading stands, its fingerprint, and the line and record
// assembly in between. Reads are chunked from an offset into a shared buffer; a file is never read whole.
import type { FileHandle } from 'node:fs/promises';
import { fingerprintOf, readHead } from './identity.ts';
import type { Fingerprint, Identity } from './identity.ts';
import { LineSplitter } from './lines.ts';
import type { SplitterState } from './lines.ts';
import { RecordAssembler } from './records.ts';
import type { Emitted, PendingRecord } from './records.ts';

/** live: found under the configured paths; draining: rotated away or deleted, read to its end; finished: closed. */
export type FileStatus = 'live' | 'draining' | 'finished';

interface ReaderState {
  readPos: number;
  fp: Fingerprint;
  head: Buffer;
  splitter: SplitterState;
  pending: PendingRecord | null;
}

export interface ReadSettings {
  maxLineBytes: number;
  multilineStart: RegExp;
}

export class TailFile {
  readonly id: Identity;
  readonly fh: FileHandle;
  /** Next byte to read. */
  readPos: number;
  fp: Fingerprint;
  /** The bytes the fingerprint covers: a new file that is a prefix of them may be a copy still being written. */
  head: Buffer;
  /** Offset up to which records are delivered: what a checkpoint may say. */
  acked: number;
  status: FileStatus = 'live';
  /** The checkpoint row last written, to write only what changed. */
  savedRow = '';
  readonly #splitter: LineSplitter;
  readonly #assembler: RecordAssembler<TailFile>;

  constructor(id: Identity, fh: FileHandle, source: string, start: number, head: Buffer, settings: ReadSettings) {
    this.id = id;
    this.fh = fh;
    this.readPos = start;
    this.acked = start;
    this.head = Buffer.from(head);
    this.fp = fingerprintOf(head);
    this.#splitter = new LineSplitter(settings.maxLineBytes, start);
    this.#assembler = new RecordAssembler<TailFile>(this, source, settings.multilineStart, settings.maxLineBytes);
  }

  get source(): string {
    return this.#assembler.source;
  }

  set source(path: string) {
    this.#assembler.source = path;
  }

  /** The first byte not yet passed on as a record: where a restart must read from. */
  get durablePos(): number {
    return this.#assembler.pendingStart ?? this.#splitter.lineStart;
  }

  get pendingSince(): number | null {
    return this.#assembler.pendingSince;
  }

  /**
   * Reads from readPos to the end of the file or `limit` bytes, pushing records to `out`. A live file's first bytes
   * are checked afterwards: if it was truncated or replaced, what was read may be new content at old offsets, so it
   * is dropped, the state goes back to before the read, and -1 says the file changed. The check also lets the
   * fingerprint grow to FP_BYTES as the file does.
   */
  async read(out: Emitted<TailFile>[], buf: Buffer, now: number, limit: number): Promise<number> {
    const mark = out.length;
    const before = this.#snapshot();
    this.#assembler.out = out;
    this.#assembler.now = now;
    let total = 0;
    while (total < limit) {
      const { bytesRead } = await this.fh.read(buf, 0, Math.min(buf.length, limit - total), this.readPos);
      if (bytesRead === 0) break;
      this.#splitter.push(buf, bytesRead, this.readPos, this.#assembler);
      this.readPos += bytesRead;
      total += bytesRead;
    }
    if (total > 0 && this.status === 'live' && !this.#checkHead(await readHead(this.fh))) {
      out.length = mark;
      this.#restore(before);
      return -1;
    }
    return total;
  }

  /** Passes on the record being assembled (the next start line or the idle time will not be waited for). */
  flushPending(out: Emitted<TailFile>[]): void {
    this.#assembler.out = out;
    this.#assembler.flush();
  }

  /** The file will not grow again: its unfinished last line and its last record are passed on. */
  finish(out: Emitted<TailFile>[]): void {
    this.#assembler.out = out;
    this.#splitter.flush(this.readPos, this.#assembler);
    this.#assembler.flush();
  }

  /** Reads again from `pos` (a truncated or replaced file), dropping what was half assembled. */
  restart(pos: number): void {
    this.readPos = pos;
    this.acked = pos;
    this.head = Buffer.alloc(0);
    this.fp = fingerprintOf(this.head);
    this.#splitter.reset(pos);
    this.#assembler.reset();
  }

  /** Its length now. */
  async size(): Promise<number> {
    return (await this.fh.stat()).size;
  }

  async close(): Promise<void> {
    await this.fh.close().catch(() => {});
  }

  #checkHead(head: Buffer): boolean {
    const len = this.head.length;
    if (head.length < len || head.compare(this.head, 0, len, 0, len) !== 0) return false;
    if (head.length > len) {
      this.head = Buffer.from(head);
      this.fp = fingerprintOf(head);
    }
    return true;
  }

  #snapshot(): ReaderState {
    return {
      readPos: this.readPos,
      fp: this.fp,
      head: this.head,
      splitter: this.#splitter.snapshot(),
      pending: this.#assembler.snapshot(),
    };
  }

  #restore(s: ReaderState): void {
    this.readPos = s.readPos;
    this.fp = s.fp;
    this.head = s.head;
    this.#splitter.restore(s.splitter);
    this.#assembler.restore(s.pending);
  }
}

/** Where `from: end` starts: after the last newline, so that a line being written is read whole once it ends. */
export async function lastLineStart(fh: FileHandle, size: number): Promise<number> {
  const span = Math.min(size, 64 * 1024);
  if (span === 0) return size;
  const buf = Buffer.allocUnsafe(span);
  const { bytesRead } = await fh.read(buf, 0, span, size - span);
  const nl = buf.subarray(0, bytesRead).lastIndexOf(10);
  return nl === -1 ? size : size - span + nl + 1;
}
