// How the tailer knows a file again: device + inode while it exists, and a fingerprint (sha256 of its first bytes,
// up to 1 KiB) that tells a replaced file from the same one, and finds a copy made by copy-truncate rotation.
import { createHash } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

export const FP_BYTES = 1024;

export interface Fingerprint {
  hash: string;
  /** How many leading bytes the hash covers (fewer than FP_BYTES while the file is shorter). */
  len: number;
}

export interface Identity {
  key: string;
  dev: string;
  ino: string;
}

export function identityOf(st: BigIntStats): Identity {
  const dev = st.dev.toString();
  const ino = st.ino.toString();
  return { key: `${dev}:${ino}`, dev, ino };
}

function hashBytes(bytes: Buffer, len: number): string {
  return createHash('sha256').update(bytes.subarray(0, len)).digest('hex');
}

/** The first bytes of a file (up to FP_BYTES): one read. */
export async function readHead(fh: FileHandle): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(FP_BYTES);
  let got = 0;
  while (got < FP_BYTES) {
    const { bytesRead } = await fh.read(buf, got, FP_BYTES - got, got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

/** Whether `head` (a file's first bytes) starts with what `fp` covers. */
export function headMatches(head: Buffer, fp: Fingerprint): boolean {
  return fp.len > 0 && head.length >= fp.len && hashBytes(head, fp.len) === fp.hash;
}

export function fingerprintOf(head: Buffer): Fingerprint {
  return { hash: hashBytes(head, head.length), len: head.length };
}
