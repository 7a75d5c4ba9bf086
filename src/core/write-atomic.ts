// A file that people and scripts read (a review copy, a quarantine's meta) must never be seen half-written:
// it is written beside its name, then renamed over it.
import { rename, writeFile } from 'node:fs/promises';

export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const aside = `${path}.${process.pid}.tmp`;
  await writeFile(aside, text);
  await rename(aside, path);
}
