// Docker's log stream into lines: a multiplexed stream is frames of [stream type, 0, 0, 0, size (big-endian u32)]
// + payload; a TTY container's stream is raw bytes. Each line starts with its timestamp (we ask for timestamps).
import { parseStamp } from './timestamps.ts';

export interface ContainerLogLine {
  stream: 'stdout' | 'stderr';
  /** Docker's timestamp of the line, in nanoseconds; the checkpoint moves to it. */
  ns: bigint;
  text: string;
}

/** Longer lines are cut: one runaway line must not hold the whole log in memory. */
const MAX_LINE_CHARS = 65_536;

export class LogDecoder {
  readonly #tty: boolean;
  #pending: Buffer = Buffer.alloc(0);
  readonly #partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
  #lastNs = 0n;
  /** A TTY stream may cut a UTF-8 character between chunks. */
  readonly #utf8 = new TextDecoder();

  constructor(tty: boolean) {
    this.#tty = tty;
  }

  /** The complete lines this chunk finishes. */
  push(chunk: Buffer): ContainerLogLine[] {
    const out: ContainerLogLine[] = [];
    if (this.#tty) {
      this.#text('stdout', this.#utf8.decode(chunk, { stream: true }), out);
      return out;
    }
    this.#pending = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    while (this.#pending.length >= 8) {
      const type = this.#pending[0];
      const size = this.#pending.readUInt32BE(4);
      if (this.#pending.length < 8 + size) break;
      const payload = this.#pending.subarray(8, 8 + size).toString('utf8');
      this.#pending = this.#pending.subarray(8 + size);
      // 0 is stdin (never in logs), 1 stdout, 2 stderr; anything else means the stream is not multiplexed after all.
      this.#text(type === 2 ? 'stderr' : 'stdout', payload, out);
    }
    return out;
  }

  /** What is left when the stream ends: a last line without its newline. */
  end(): ContainerLogLine[] {
    const out: ContainerLogLine[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.#partial[stream]) this.#line(stream, this.#partial[stream], out);
      this.#partial[stream] = '';
    }
    return out;
  }

  #text(stream: 'stdout' | 'stderr', text: string, out: ContainerLogLine[]): void {
    const parts = (this.#partial[stream] + text).split('\n');
    this.#partial[stream] = parts.pop() ?? '';
    for (const part of parts) this.#line(stream, part, out);
    if (this.#partial[stream].length > MAX_LINE_CHARS) {
      this.#line(stream, this.#partial[stream], out);
      this.#partial[stream] = '';
    }
  }

  #line(stream: 'stdout' | 'stderr', raw: string, out: ContainerLogLine[]): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const space = line.indexOf(' ');
    const ns = space > 0 ? parseStamp(line.slice(0, space)) : null;
    // A line without a stamp (the cut tail of a long line) takes the previous line's time.
    const text = ns === null ? line : line.slice(space + 1);
    if (ns !== null) this.#lastNs = ns;
    out.push({
      stream,
      ns: ns ?? this.#lastNs,
      text: text.length > MAX_LINE_CHARS ? text.slice(0, MAX_LINE_CHARS) : text,
    });
  }
}
