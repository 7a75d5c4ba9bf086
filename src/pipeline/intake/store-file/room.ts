// Free space before a file is written.
import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { systemCodeOf } from './errors.ts';

export interface Room {
  /** Storing bytesNeeded still leaves at least the critical free space. */
  ok: boolean;
  /** Bytes free for this (unprivileged) user on the file system that holds dir. */
  free: number;
}

/** Free space on the file system of `dir`, or of its nearest existing ancestor when dir does not exist yet. */
export async function checkRoom(dir: string, bytesNeeded: number, criticalFreeBytes: number): Promise<Room> {
  let at = dir;
  for (;;) {
    try {
      const fs = await statfs(at);
      const free = fs.bavail * fs.bsize;
      return { ok: free - bytesNeeded >= criticalFreeBytes, free };
    } catch (err) {
      const code = systemCodeOf(err);
      const parent = dirname(at);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === at) throw err;
      at = parent;
    }
  }
}
