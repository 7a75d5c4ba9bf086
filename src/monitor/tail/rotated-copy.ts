// Copy-truncate rotation of a file named by a plain path (no glob over its rotated names): when the file is found
// truncated, what was past our offset lives on in the copy logrotate made beside it (`app.log.1`, `app.log-20260105`).
// The copy is found by identity — its first bytes are the truncated file's — whatever its name, and is read from
// the old offset. Compressed copies (.gz, …) cannot be read this way: use delaycompress, or a glob.
import { open, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Found } from './discover.ts';
import { FP_BYTES, headMatches, identityOf, readHead } from './identity.ts';
import type { Fingerprint } from './identity.ts';

const COMPRESSED = /\.(?:gz|bz2|xz|zst|lz4|zip)$/;

/** The uncompressed sibling of `source` whose head is `fp`, other than the files in `skip` (by identity key); or null. */
export async function findRotatedCopy(
  source: string,
  fp: Fingerprint,
  skip: ReadonlySet<string>,
): Promise<Found | null> {
  if (fp.len < FP_BYTES / 4) return null; // too short to tell a copy from a file that merely starts alike
  const dir = dirname(source);
  const base = basename(source);
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (name === base || !name.startsWith(base) || !'.-_'.includes(name.charAt(base.length)) || COMPRESSED.test(name))
      continue;
    const path = join(dir, name);
    const fh = await open(path, 'r').catch(() => null);
    if (!fh) continue;
    try {
      const st = await fh.stat({ bigint: true });
      if (!st.isFile()) continue;
      const id = identityOf(st);
      if (skip.has(id.key)) continue;
      if (headMatches(await readHead(fh), fp)) return { id, source: path, size: Number(st.size) };
    } finally {
      await fh.close();
    }
  }
  return null;
}
