// Both stores the code runs on, as test cases: a temp SQLite file and a fresh database on the test PostgreSQL.
import { rmSync } from 'node:fs';
import { inject } from 'vitest';
import { createLog } from '../../src/core/log.ts';
import type { Logger } from '../../src/core/log.ts';
import { Queue } from '../../src/core/queue/index.ts';
import type { QueueOptions } from '../../src/core/queue/index.ts';
import type { Store } from '../../src/core/store/index.ts';
import { createDatabase } from './postgres.ts';
import { tempDir } from './service.ts';
import { openSpec } from './store-spec.ts';
import type { StoreKindName, StoreSpec } from './store-spec.ts';

export type { StoreKindName, StoreSpec } from './store-spec.ts';
export const STORE_KINDS: StoreKindName[] = ['sqlite', 'postgres'];

export interface TestStore {
  spec: StoreSpec;
  store: Store;
  /** Another handle on the same store, as a second process would have; cleanup() closes it. */
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

export async function createTestStore(kind: StoreKindName): Promise<TestStore> {
  const dataDir = tempDir('centinela-store-');
  let drop = async (): Promise<void> => {};
  let databaseUrl: string | undefined;
  if (kind === 'postgres') {
    const db = await createDatabase(inject('postgresUrl'));
    databaseUrl = db.url;
    drop = db.drop;
  }
  const spec: StoreSpec = { kind, dataDir, databaseUrl };
  const store = await openSpec(spec);
  const handles = [store];
  return {
    spec,
    store,
    async open() {
      const handle = await openSpec(spec);
      handles.push(handle);
      return handle;
    },
    async cleanup() {
      for (const handle of handles) await handle.close();
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let quiet: Logger | null = null;
/** A logger that writes only errors, to stderr: tests read outcomes from the store, not from logs. */
export async function quietLog(): Promise<Logger> {
  quiet ??= (
    await createLog({
      level: 'error',
      dir: null,
      stdout: false,
      rotate: { size: 2 ** 20, keep: 1 },
      stdoutStream: process.stderr,
    })
  ).root;
  return quiet;
}

export async function testQueue(store: Store, options: Partial<QueueOptions> = {}): Promise<Queue> {
  return new Queue({
    store,
    log: await quietLog(),
    pollMs: 50,
    leaseMs: 30_000,
    maxAttempts: 3,
    backoff: { baseMs: 10, capMs: 40 },
    ...options,
  });
}

/** Polls until `check` is true or the time is up (then fails with `what`). */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
