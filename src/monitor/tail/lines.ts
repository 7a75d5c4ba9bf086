// Bytes to lines: scans read chunks for \n, keeps the unfinished last line (at most max_line_bytes of it) until its
// newline arrives, and cuts an over-long line, skipping the rest of it, so memory stays bounded whatever the file.

/** Appended to a line that was cut at max_line_bytes. */
export const CUT_MARK = '…[cut]';

export interface LineSink {
  /** A complete line without its \n (and \r); `start`/`end` are the file offsets of its first byte and after its \n. */
  line(text: string, start: number, end: number): void;
}

export interface SplitterState {
  carry: Buffer;
  lineStart: number;
  skipping: boolean;
}

const NL = 10;
const CR = 13;

export class LineSplitter {
  readonly #max: number;
  #carry: Buffer = Buffer.alloc(0);
  #carryLen = 0;
  #lineStart: number;
  /** The current line is longer than max: its first max bytes are kept, the rest is dropped up to its newline. */
  #skipping = false;

  constructor(maxLineBytes: number, start: number) {
    this.#max = maxLineBytes;
    this.#lineStart = start;
  }

  /** File offset where the unfinished line (if any) starts: everything before it has been passed on. */
  get lineStart(): number {
    return this.#lineStart;
  }

  get hasPartial(): boolean {
    return this.#carryLen > 0 || this.#skipping;
  }

  reset(pos: number): void {
    this.#carryLen = 0;
    this.#skipping = false;
    this.#lineStart = pos;
  }

  /** Feeds `len` bytes of `chunk`, which start at file offset `pos`. */
  push(chunk: Buffer, len: number, pos: number, sink: LineSink): void {
    let i = 0;
    while (i < len) {
      const nl = chunk.indexOf(NL, i);
      if (nl === -1 || nl >= len) {
        this.#append(chunk, i, len);
        return;
      }
      let text: string;
      if (this.#carryLen === 0 && !this.#skipping) {
        text = this.#decode(chunk, i, nl, false);
      } else {
        this.#append(chunk, i, nl);
        text = this.#decode(this.#carry, 0, this.#carryLen, this.#skipping);
        this.#carryLen = 0;
        this.#skipping = false;
      }
      const end = pos + nl + 1;
      sink.line(text, this.#lineStart, end);
      this.#lineStart = end;
      i = nl + 1;
    }
  }

  /** Passes on the unfinished line as it is (the file was rotated away: no newline will come). */
  flush(endPos: number, sink: LineSink): void {
    if (!this.hasPartial) return;
    const text = this.#decode(this.#carry, 0, this.#carryLen, this.#skipping);
    this.#carryLen = 0;
    this.#skipping = false;
    sink.line(text, this.#lineStart, endPos);
    this.#lineStart = endPos;
  }

  snapshot(): SplitterState {
    return {
      carry: Buffer.from(this.#carry.subarray(0, this.#carryLen)),
      lineStart: this.#lineStart,
      skipping: this.#skipping,
    };
  }

  restore(state: SplitterState): void {
    this.#carryLen = 0;
    this.#ensure(state.carry.length);
    state.carry.copy(this.#carry, 0);
    this.#carryLen = state.carry.length;
    this.#lineStart = state.lineStart;
    this.#skipping = state.skipping;
  }

  #append(chunk: Buffer, from: number, to: number): void {
    if (this.#skipping) return;
    const n = to - from;
    const take = Math.min(n, this.#max - this.#carryLen);
    this.#ensure(this.#carryLen + take);
    chunk.copy(this.#carry, this.#carryLen, from, from + take);
    this.#carryLen += take;
    if (n > take) this.#skipping = true;
  }

  #ensure(size: number): void {
    if (size <= this.#carry.length) return;
    const grown = Buffer.allocUnsafe(Math.min(this.#max, Math.max(size, this.#carry.length * 2, 256)));
    this.#carry.copy(grown, 0, 0, this.#carryLen);
    this.#carry = grown;
  }

  #decode(buf: Buffer, from: number, to: number, cut: boolean): string {
    let stop = to;
    if (!cut && stop > from && buf[stop - 1] === CR) stop--;
    if (stop - from > this.#max) {
      stop = from + this.#max;
      cut = true;
    }
    if (!cut) return buf.toString('utf8', from, stop);
    return buf.toString('utf8', from, charBoundary(buf, from, stop)) + CUT_MARK;
  }
}

/** `stop`, or earlier so that a UTF-8 character is not split (a cut must not leave half a character). */
function charBoundary(buf: Buffer, from: number, stop: number): number {
  for (let p = stop - 1; p >= from && p >= stop - 4; p--) {
    const b = buf[p] ?? 0;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead byte
    const len = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return p + len > stop ? p : stop;
  }
  return stop;
}
