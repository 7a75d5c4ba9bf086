// How to reach a test store, in a form a child process can be handed (no vitest imports here).
import { configSchema } from '../../src/core/config.ts';
import type { Store } from '../../src/core/store/index.ts';
import { openMigratedStore } from '../../src/main.ts';

export type StoreKindName = 'sqlite' | 'postgres';

export interface StoreSpec {
  kind: StoreKindName;
  dataDir: string;
  databaseUrl?: string;
}

/** Opens (and migrates) the store a spec names. */
export function openSpec(spec: StoreSpec): Promise<Store> {
  const config = configSchema.parse({ paths: { data: spec.dataDir } });
  return openMigratedStore(config, { DATABASE_URL: spec.databaseUrl });
}
