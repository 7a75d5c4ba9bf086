// Counts lines in files (JSONL written by a scraper) without rereading them: a file that only grew is read from
// where the last count stopped; one that shrank or was replaced is counted again.
import { open } from 'node:fs/promises';
import type { MatchedFile } from './files.ts';

interface Counted {
  ino: number;
  size: number;
  mtimeMs: number;
  newlines: number;
  endsWithNewline: boolean;
}

const CHUNK = 256 * 1024;

export class LineCounter {
  readonly #files = new Map<string, Counted>();

  /** Lines in all the files: newline-terminated ones plus a last line still being written. */
  async count(files: readonly MatchedFile[]): Promise<number> {
    const seen = new Set<string>();
    let total = 0;
    for (const f of files) {
      seen.add(f.path);
      const c = await this.#countFile(f);
      total += c.newlines + (c.size > 0 && !c.endsWithNewline ? 1 : 0);
    }
    for (const path of this.#files.keys()) if (!seen.has(path)) this.#files.delete(path);
    return total;
  }

  async #countFile(f: MatchedFile): Promise<Counted> {
    const known = this.#files.get(f.path);
    if (known && known.ino === f.ino && known.size === f.size && known.mtimeMs === f.mtimeMs) return known;
    const grew = known !== undefined && known.ino === f.ino && f.size > known.size;
    const from = grew ? known.size : 0;
    const c: Counted = {
      ino: f.ino,
      size: from,
      mtimeMs: f.mtimeMs,
      newlines: grew ? known.newlines : 0,
      endsWithNewline: grew ? known.endsWithNewline : false,
    };
    const handle = await open(f.path, 'r');
    try {
      const buf = Buffer.allocUnsafe(CHUNK);
      let pos = from;
      // Read up to the size seen by the listing: bytes appended since are counted next time.
      while (pos < f.size) {
        const { bytesRead } = await handle.read(buf, 0, Math.min(CHUNK, f.size - pos), pos);
        if (bytesRead === 0) break;
        for (let i = 0; i < bytesRead; i++) if (buf[i] === 0x0a) c.newlines++;
        c.endsWithNewline = buf[bytesRead - 1] === 0x0a;
        pos += bytesRead;
      }
      c.size = pos;
    } finally {
      await handle.close();
    }
    this.#files.set(f.path, c);
    return c;
  }
}
