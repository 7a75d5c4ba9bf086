// doctor's line on paths.data when processes on several machines share one PostgreSQL store (core/shared-data.ts).
import type { LoadedConfig } from '../core/config.ts';
import { sharedDataProblem } from '../core/shared-data.ts';
import { openStore } from '../core/store/index.ts';

export interface SharedDataCheck {
  ok: boolean;
  optional?: boolean;
  text: string;
  fix?: string;
}

/** Null with SQLite (one machine); else whether paths.data is the folder the store's other processes use. */
export async function sharedDataCheck({ config, secrets }: LoadedConfig): Promise<SharedDataCheck | null> {
  if (!secrets.DATABASE_URL) return null;
  let store;
  try {
    store = openStore({
      dataDir: config.paths.data,
      databaseUrl: secrets.DATABASE_URL,
      sqliteSynchronous: 'normal',
      busyTimeoutMs: 1000,
      poolSize: 1,
    });
    const problem = await sharedDataProblem(store, config.paths.data, false);
    if (!problem)
      return { ok: true, text: `paths.data ${config.paths.data} is the data folder this store's processes share` };
    return {
      ok: false,
      text: problem,
      fix: 'every machine that runs centinela on this DATABASE_URL mounts the same folder at paths.data (README: several machines)',
    };
  } catch (err) {
    return {
      ok: false,
      optional: true,
      text: `paths.data could not be compared with the store's: ${(err as Error).message}`,
    };
  } finally {
    await store?.close().catch(() => {});
  }
}
