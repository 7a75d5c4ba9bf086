// Free space before a file is written.
import { readFreeSpace } from '../../../core/free-space.ts';

export interface Room {
  /** Storing bytesNeeded still leaves at least the critical free space. */
  ok: boolean;
  /** Bytes free for this (unprivileged) user on the file system that holds dir. */
  free: number;
}

/** Free space on the file system of `dir`, or of its nearest existing ancestor when dir does not exist yet. */
export async function checkRoom(dir: string, bytesNeeded: number, criticalFreeBytes: number): Promise<Room> {
  const { free } = await readFreeSpace(dir);
  return { ok: free - bytesNeeded >= criticalFreeBytes, free };
}
