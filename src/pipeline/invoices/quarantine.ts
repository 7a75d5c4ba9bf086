// A file that cannot be processed is quarantined (core/quarantine.ts) with what it is and what went wrong, and
// how `centinela retry` tries it again. A retried file leaves quarantine for incoming/retried under its quarantine
// name; if it fails again it goes back under that same name, its one meta file counting the retries.
import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { quarantineDir, quarantineFile } from '../../core/quarantine.ts';

export { quarantineDir };

/** Where a file waits while it is retried out of quarantine (its name still its quarantine name). */
export function retriedDir(dataDir: string): string {
  return join(dataDir, 'incoming', 'retried');
}

export interface QuarantineInfo {
  fileId: number;
  originalPath: string;
  fileName: string | null;
  sender: string | null;
  sha256: string | null;
  error: string;
}

/**
 * Moves the file into quarantine and writes its meta file; returns the new path. `again` is the quarantine name of a
 * retried file that failed again: it keeps that name and its meta counts one retry more.
 */
export async function quarantine(
  dataDir: string,
  info: QuarantineInfo,
  now = new Date(),
  again?: string,
): Promise<string> {
  const retry = `fix the cause (or the file, here), then: centinela retry --invoices ${info.fileId}`;
  const retries = again === undefined ? 0 : (await previousRetries(dataDir, again)) + 1;
  return quarantineFile(
    dataDir,
    info.originalPath,
    now,
    { ...info, ...(retries ? { retries } : {}) },
    { retry },
    again,
  );
}

/** A retried file was read: its quarantine meta file no longer describes anything. */
export async function forgetQuarantine(dataDir: string, name: string): Promise<void> {
  await unlink(join(quarantineDir(dataDir), `${name}.meta.json`)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}

async function previousRetries(dataDir: string, name: string): Promise<number> {
  try {
    const meta = JSON.parse(await readFile(join(quarantineDir(dataDir), `${name}.meta.json`), 'utf8')) as {
      retries?: unknown;
    };
    return typeof meta.retries === 'number' ? meta.retries : 0;
  } catch {
    return 0; // no meta (removed by hand): count from here
  }
}
