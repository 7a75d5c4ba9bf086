// The last backup attempt, kept in the store's settings so that every process (the monitor alone, doctor, status)
// sees it; and the newest complete backup, read from the backup folder itself.
import { z } from 'zod';
import type { Store } from '../core/store/index.ts';
import { readManifest } from './manifest.ts';
import { listBackups } from './run.ts';

const KEY = 'backup.last_attempt';

const attemptSchema = z.object({
  at: z.number(),
  ok: z.boolean(),
  path: z.string().nullable(),
  error: z.string().nullable(),
});
export type BackupAttempt = z.infer<typeof attemptSchema>;

export async function recordAttempt(store: Store, attempt: BackupAttempt): Promise<void> {
  const row = { key: KEY, value: JSON.stringify(attempt), updated_at: attempt.at };
  await store.db
    .insertInto('settings')
    .values(row)
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: row.value, updated_at: row.updated_at }))
    .execute();
}

export async function lastAttempt(store: Store): Promise<BackupAttempt | null> {
  const row = await store.db.selectFrom('settings').select('value').where('key', '=', KEY).executeTakeFirst();
  if (!row) return null;
  try {
    return attemptSchema.parse(JSON.parse(row.value));
  } catch {
    return null;
  }
}

/** The newest complete backup in `dir` and when it was made; null when there is none. */
export async function newestBackup(dir: string): Promise<{ path: string; at: number } | null> {
  for (const path of await listBackups(dir)) {
    try {
      const { manifest } = await readManifest(path);
      return { path, at: Date.parse(manifest.created_at) };
    } catch {
      // a damaged one is not a backup; look at the next
    }
  }
  return null;
}
