// Processes on several machines share one PostgreSQL store and must share paths.data too: a file is kept at the
// path where the receiving process wrote it, and any worker may process it. The first process writes a random id
// into the store and into paths.data; every later one compares the two, so a folder that is not the shared one is
// found at start (a warning, and `centinela doctor`), not only when a job cannot read its file.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from './store/index.ts';

const KEY = 'paths.data.id';
export const DATA_ID_FILE = '.centinela-data-id';

/**
 * Null when paths.data is the folder this store's other processes use (or the first one); else one line saying
 * what is wrong and what to do. `claim` (the service at start) records the id when the store has none yet.
 */
export async function sharedDataProblem(store: Store, dataDir: string, claim: boolean): Promise<string | null> {
  const file = join(dataDir, DATA_ID_FILE);
  const here = (await readFile(file, 'utf8').catch(() => '')).trim();
  const row = await store.db.selectFrom('settings').select('value').where('key', '=', KEY).executeTakeFirst();
  let recorded = row?.value ?? null;
  if (recorded === null && claim) {
    const id = here || randomBytes(12).toString('hex');
    await store.db
      .insertInto('settings')
      .values({ key: KEY, value: id, updated_at: Date.now() })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    recorded = (await store.db.selectFrom('settings').select('value').where('key', '=', KEY).executeTakeFirstOrThrow())
      .value;
    if (!here && recorded === id) await writeFile(file, `${id}\n`, { mode: 0o600 });
  }
  if (recorded === null || recorded === here) return null;
  return (
    `paths.data (${dataDir}) is not the data folder the other processes on this store use (${here ? `its ${DATA_ID_FILE} differs` : `it has no ${DATA_ID_FILE}`}): ` +
    'files they received cannot be read here and go to another worker; mount the shared folder (NFS, a shared volume) at paths.data on every machine'
  );
}
