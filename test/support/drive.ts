// A Drive sync against the fake Drive on a real store: the service-account key written where
// GOOGLE_APPLICATION_CREDENTIALS points, drive.api_root at the fake, no pauses, and helpers to read what was taken.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema } from '../../src/core/config.ts';
import type { Config } from '../../src/core/config.ts';
import { IntakeRecords } from '../../src/pipeline/intake/index.ts';
import type { FileRow } from '../../src/pipeline/intake/index.ts';
import { pipelineFollowers } from '../../src/followers.ts';
import { loadDrive } from '../../src/pipeline/sources/index.ts';
import type { SyncOptions, SyncResult } from '../../src/pipeline/sources/index.ts';
import type { Queue } from '../../src/core/queue/index.ts';
import { startFakeDrive } from '../fakes/drive/index.ts';
import type { FakeDrive } from '../fakes/drive/index.ts';
import { createTestStore, quietLog, testQueue } from './stores.ts';
import type { StoreKindName, TestStore } from './stores.ts';

export interface DriveHarness {
  fake: FakeDrive;
  ts: TestStore;
  queue: Queue;
  config: Config;
  keyPath: string;
  root: string;
  sync(options?: Partial<SyncOptions>, credentials?: string): Promise<SyncResult>;
  /** Intake files from Drive, in the order recorded. */
  taken(): Promise<FileRow[]>;
  cleanup(): Promise<void>;
}

export async function driveHarness(kind: StoreKindName, drive: Record<string, unknown> = {}): Promise<DriveHarness> {
  const fake = await startFakeDrive();
  const ts = await createTestStore(kind);
  const keyPath = join(ts.spec.dataDir, 'service-account.json');
  writeFileSync(keyPath, JSON.stringify(fake.serviceAccountKey));
  const root = fake.addFolder({ name: 'Facturas' });
  const config = configSchema.parse({
    paths: { data: ts.spec.dataDir },
    drive: {
      folders: [root],
      api_root: fake.rootUrl,
      sleep_between_batch_seconds: 0,
      requests_per_second: 0,
      retry_base_ms: 5,
      max_pages_per_run: 100,
      ...drive,
    },
  });
  const queue = await testQueue(ts.store);
  const log = await quietLog();
  const { runSync, syncOptionsFrom } = await loadDrive();
  return {
    fake,
    ts,
    queue,
    config,
    keyPath,
    root,
    async sync(options = {}, credentials = keyPath) {
      return runSync(
        {
          config,
          credentials,
          store: ts.store,
          queue,
          followers: pipelineFollowers(config, ts.store),
          intakeRecords: new IntakeRecords(ts.store),
          log,
        },
        { ...syncOptionsFrom(config, 'test'), ...options },
      );
    },
    async taken() {
      return new IntakeRecords(ts.store).db
        .selectFrom('files')
        .selectAll()
        .where('source', '=', 'drive')
        .orderBy('id')
        .execute();
    },
    async cleanup() {
      await queue.stop(1000);
      await fake.close();
      await ts.cleanup();
    },
  };
}
