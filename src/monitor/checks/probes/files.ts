// The files a lines or newest_file probe looks at: regular files matching its glob (relative to the working folder).
import { glob, stat } from 'node:fs/promises';
import { resolve } from 'node:path';

export interface MatchedFile {
  path: string;
  size: number;
  mtimeMs: number;
  ino: number;
}

export async function matchFiles(pattern: string): Promise<MatchedFile[]> {
  const out: MatchedFile[] = [];
  for await (const entry of glob(pattern)) {
    const path = resolve(entry);
    try {
      const st = await stat(path);
      if (st.isFile()) out.push({ path, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino });
    } catch {
      // Gone between the listing and the stat (a rotated or moved file): not counted this time.
    }
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}
