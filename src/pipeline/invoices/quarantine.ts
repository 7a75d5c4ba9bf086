// A file that cannot be processed is moved to data/quarantine/<ts>_<name>, with <same>.meta.json beside it
// saying what it is and what went wrong: nothing is lost, and `centinela retry` can try it again.
import { mkdir, rename } from 'node:fs/promises';
import { writeFileAtomic } from '../../core/write-atomic.ts';
import { basename, join } from 'node:path';

export interface QuarantineInfo {
  fileId: number;
  originalPath: string;
  fileName: string | null;
  sender: string | null;
  sha256: string | null;
  error: string;
}

export function quarantineDir(dataDir: string): string {
  return join(dataDir, 'quarantine');
}

/** Moves the file into quarantine and writes its meta file; returns the new path. */
export async function quarantine(dataDir: string, info: QuarantineInfo, now = new Date()): Promise<string> {
  const dir = quarantineDir(dataDir);
  await mkdir(dir, { recursive: true });
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const target = join(dir, `${stamp}_${basename(info.originalPath)}`);
  await rename(info.originalPath, target);
  const meta = { ...info, quarantinedPath: target, quarantinedAt: now.toISOString(), retry: `fix the cause (or the file, here), then: centinela retry --invoices ${info.fileId}` };
  await writeFileAtomic(`${target}.meta.json`, `${JSON.stringify(meta, null, 2)}\n`);
  return target;
}
