// What CLI commands share: the config, a quiet logger, and the store opened and migrated.
import { loadConfig } from '../core/config.ts';
import type { LoadedConfig } from '../core/config.ts';
import { usePrivateModes } from '../core/file-modes.ts';
import { createLog } from '../core/log.ts';
import type { Log } from '../core/log.ts';
import type { Queue } from '../core/queue/index.ts';
import type { Store } from '../core/store/index.ts';
import { openMigratedStore, queueFor } from '../store-setup.ts';

export interface CommandContext extends LoadedConfig {
  log: Log;
  store: Store;
  queue: Queue;
  close(): Promise<void>;
}

export async function openContext(configFile: string | undefined): Promise<CommandContext> {
  const loaded = loadConfig({ file: configFile });
  // Opening the store may create it (a command run before the first start): as private as the service's own.
  usePrivateModes(loaded.config.paths.group_readable);
  // Commands print for people; only warnings and errors of the modules they use go to stderr... as JSON lines.
  const log = await createLog({
    level: 'warn',
    dir: null,
    stdout: false,
    rotate: loaded.config.log.rotate,
    secrets: Object.values(loaded.secrets),
    stdoutStream: process.stderr,
  });
  const store = await openMigratedStore(loaded.config, loaded.secrets);
  const queue = queueFor(loaded.config, store, log);
  return {
    ...loaded,
    log,
    store,
    queue,
    async close() {
      await store.close();
      await log.close();
    },
  };
}
