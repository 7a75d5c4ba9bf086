// Free space of the file system that holds a path, counted as an unprivileged writer can use it (bavail): one
// measure for the intake's room check, the monitor's disk check, `centinela status` and `centinela doctor`.
import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface FreeSpace {
  /** Bytes this (unprivileged) user can still write there. */
  free: number;
  /** The file system's size in bytes. */
  size: number;
}

/** The free space at `path` itself; throws (ENOENT…) when it cannot be read. */
export async function freeSpaceAt(path: string): Promise<FreeSpace> {
  const st = await statfs(path);
  return { free: st.bavail * st.bsize, size: st.blocks * st.bsize };
}

/** The free space at `path`, or at its nearest existing ancestor when it does not exist yet (a folder created later). */
export async function readFreeSpace(path: string): Promise<FreeSpace> {
  let at = path;
  for (;;) {
    try {
      return await freeSpaceAt(at);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const parent = dirname(at);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === at) throw err;
      at = parent;
    }
  }
}
