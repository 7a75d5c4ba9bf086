// Free space of the file system that holds a path: what an unprivileged writer can still use (bavail), as the
// intake's own free-space check counts it. A folder not created yet is measured on its nearest existing ancestor.
import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface FreeSpace {
  free: number;
  size: number;
}

export async function readFreeSpace(path: string): Promise<FreeSpace> {
  let at = path;
  for (;;) {
    try {
      const st = await statfs(at);
      return { free: st.bavail * st.bsize, size: st.blocks * st.bsize };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const parent = dirname(at);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === at) throw err;
      at = parent;
    }
  }
}
