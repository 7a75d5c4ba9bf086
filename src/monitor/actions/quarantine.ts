// Moves a corrupt file to <data>/quarantine/<ts>_<name> with <same>.meta.json beside it, the layout the invoice
// pipeline uses (its helper is private to it and keeps invoice wording): nothing is lost, and a person can look.
import { constants } from 'node:fs';
import { copyFile, lstat, mkdir, rename, unlink } from 'node:fs/promises';
import { writeFileAtomic } from '../../core/write-atomic.ts';
import { basename, join } from 'node:path';

export interface QuarantineMeta {
  fileId: number | null;
  originalPath: string;
  fileName: string | null;
  sender: string | null;
  sha256: string | null;
  error: string;
  refetch: string;
}

/** Returns the new path. A file of the same name quarantined in the same second gets a numbered name. */
export async function quarantineFile(dataDir: string, path: string, meta: QuarantineMeta, now: number): Promise<string> {
  const dir = join(dataDir, 'quarantine');
  await mkdir(dir, { recursive: true });
  const at = new Date(now);
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  let target = join(dir, `${stamp}_${basename(path)}`);
  for (let n = 2; await exists(target); n++) target = join(dir, `${stamp}_${n}_${basename(path)}`);
  try {
    await rename(path, target);
  } catch (err) {
    // Media and data may be on different disks: copy, then remove the original.
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    await copyFile(path, target, constants.COPYFILE_EXCL);
    await unlink(path);
  }
  const record = { ...meta, quarantinedPath: target, quarantinedAt: at.toISOString(), by: 'monitor' };
  await writeFileAtomic(`${target}.meta.json`, `${JSON.stringify(record, null, 2)}\n`);
  return target;
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}
