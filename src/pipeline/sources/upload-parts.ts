// Files being received over HTTP are written as `.upload-<pid>-<12 hex>.part` in data/incoming/<day>/ and renamed
// once the whole request is in. A process that dies mid-upload leaves them behind: the next start removes the ones
// whose writer is gone (or, where no writer can be told, that nobody has written for a day). Nothing else is touched.
import { randomBytes } from 'node:crypto';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../core/log.ts';
import { processAlive } from '../../core/process-alive.ts';

const UPLOAD_PART = /^\.upload-(?:(\d+)-)?[0-9a-f]{12}\.part$/;
const DAY_MS = 24 * 3600_000;

export function uploadPartName(): string {
  return `.upload-${process.pid}-${randomBytes(6).toString('hex')}.part`;
}

/** Removes stale upload parts under <data>/incoming/*\/; returns how many. Never throws: a start must not fail on it. */
export async function cleanStaleUploads(dataDir: string, log: Logger, now = Date.now()): Promise<number> {
  const incoming = join(dataDir, 'incoming');
  const days = await readdir(incoming, { withFileTypes: true }).catch(() => []);
  let removed = 0;
  for (const day of days) {
    if (!day.isDirectory()) continue;
    const names = await readdir(join(incoming, day.name)).catch(() => []);
    for (const name of names) {
      const m = UPLOAD_PART.exec(name);
      if (!m) continue;
      const path = join(incoming, day.name, name);
      const st = await stat(path).catch(() => null);
      if (!st?.isFile()) continue;
      const writerGone = m[1] !== undefined && Number(m[1]) !== process.pid && !processAlive(Number(m[1]));
      if (!writerGone && now - st.mtimeMs < DAY_MS) continue;
      if (
        await rm(path, { force: true }).then(
          () => true,
          () => false,
        )
      )
        removed++;
    }
  }
  if (removed > 0) log.info({ removed, dir: incoming }, 'removed unfinished uploads left by a stopped process');
  return removed;
}
