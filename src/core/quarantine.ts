// The one quarantine: a file that must not be used (a broken invoice, a corrupt video) moves to
// <data>/quarantine/<ts>_<name> with <same>.meta.json beside it saying what it is and what went wrong. Nothing is
// lost, and a person can look. Each caller brings its own meta fields and wording.
import { constants } from 'node:fs';
import { copyFile, lstat, mkdir, rename, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { writeFileAtomic } from './write-atomic.ts';

export function quarantineDir(dataDir: string): string {
  return join(dataDir, 'quarantine');
}

/**
 * Moves the file and writes its meta file: `meta`, then quarantinedPath and quarantinedAt, then `after`. Returns the
 * new path. A file of the same name quarantined in the same second gets a numbered name instead of replacing it.
 * `name` keeps a name it had in quarantine before (a retry that failed again), so names never grow.
 */
export async function quarantineFile(
  dataDir: string,
  path: string,
  now: Date,
  meta: object,
  after: object = {},
  name?: string,
): Promise<string> {
  const dir = quarantineDir(dataDir);
  await mkdir(dir, { recursive: true });
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  let target = join(dir, name ?? `${stamp}_${basename(path)}`);
  for (let n = 2; await exists(target); n++) target = join(dir, `${stamp}_${n}_${basename(path)}`);
  try {
    await rename(path, target);
  } catch (err) {
    // Media and data may be on different disks: copy, then remove the original.
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    await copyFile(path, target, constants.COPYFILE_EXCL);
    await unlink(path);
  }
  const record = { ...meta, quarantinedPath: target, quarantinedAt: now.toISOString(), ...after };
  await writeFileAtomic(`${target}.meta.json`, `${JSON.stringify(record, null, 2)}\n`);
  return target;
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}
