// Where to start reading a file the tailer has not been reading: its own checkpoint, the checkpoint of the file it
// is a copy of (copy-truncate rotation), its end or start on first sight, or not yet (a copy of a file still live).
import type { CheckpointRow } from './checkpoints.ts';
import type { TailFile } from './file-reader.ts';
import { FP_BYTES, headMatches } from './identity.ts';

/**
 * Another file counts as a copy only when this many leading bytes match: two different logs may well share a
 * first line (a banner), and taking one for the other would skip lines. A shorter file's copy is read from its
 * start instead: a few lines twice, never lines lost.
 */
const MIN_COPY_MATCH = FP_BYTES / 4;

/**
 * How long a file that looks like a copy of a live one waits for that one's truncation. A copy-truncate finishes in
 * seconds; two different logs that merely start alike (same startup lines) must not wait forever.
 */
export const HOLD_MS = 30_000;

export type Placement =
  | { kind: 'start'; at: number | 'end'; retire?: CheckpointRow; consume?: CheckpointRow }
  /** Not yet: an empty file (it may be a copy about to be written), or a copy of a file still live. */
  | { kind: 'hold' };

export interface PlaceContext {
  /** The checkpoint with this file's device and inode, if any. */
  own: CheckpointRow | undefined;
  retired: readonly CheckpointRow[];
  live: Iterable<TailFile>;
  pathSeen: boolean;
  /** The first pass since start: files met now are first sights, unless the store knows them. */
  firstPass: boolean;
  /** It has looked like a copy of a live file for HOLD_MS already: it is read as a file of its own. */
  holdExpired: boolean;
  from: 'end' | 'beginning';
}

/** `head`: the file's first bytes (up to FP_BYTES); `size`: its length. */
export function place(head: Buffer, size: number, ctx: PlaceContext): Placement {
  const { own } = ctx;
  let retire: CheckpointRow | undefined;
  if (own) {
    const same = own.fp_len === 0 || headMatches(head, { hash: own.fingerprint, len: own.fp_len });
    if (same && size >= own.byte_offset) return { kind: 'start', at: own.byte_offset };
    // Truncated while nobody read it: what was past the checkpoint may be in a rotated copy.
    if (same) return { kind: 'start', at: 0, retire: own };
    // Another file on the same inode: the one read before was replaced (then it, too, may have a copy), or it was
    // deleted and its inode reused. Either way this one is placed like any file not seen before.
    if (own.state === 'live') retire = own;
  }
  for (const r of ctx.retired) {
    if (r.fp_len >= MIN_COPY_MATCH && headMatches(head, { hash: r.fingerprint, len: r.fp_len })) {
      return { kind: 'start', at: Math.min(r.byte_offset, size), consume: r, retire };
    }
  }
  if (head.length === 0) return { kind: 'hold' };
  // A copy of a file still being read: the copy-truncate is half done. Wait for the truncation (then the copy
  // matches a retired checkpoint above), else its lines would be read twice.
  if (!ctx.holdExpired)
    for (const f of ctx.live) if (f.status === 'live' && mayBeCopyOf(head, f.head)) return { kind: 'hold' };
  if (ctx.pathSeen || !ctx.firstPass) return { kind: 'start', at: 0, retire };
  return { kind: 'start', at: ctx.from === 'end' ? 'end' : 0, retire };
}

/** Whether a file starting with `head` is, or is becoming, a copy of a file starting with `original`. */
function mayBeCopyOf(head: Buffer, original: Buffer): boolean {
  const m = Math.min(head.length, original.length);
  if (m === 0 || head.compare(original, 0, m, 0, m) !== 0) return false;
  // Long enough to tell, or shorter than the original's head: a copy still being written.
  return m >= MIN_COPY_MATCH || head.length < original.length;
}
