// The daily backup as a module of the service: a cron schedule (backup.schedule) whose ticks are jobs on the
// `backup` queue, so one process takes each tick however many run. Each attempt is recorded for the monitor's
// backup check; a failure is also logged at ERROR.
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Config, Secrets } from '../core/config.ts';
import type { Module, ModuleStatus } from '../core/module.ts';
import { defineQueue } from '../core/queue/index.ts';
import type { Queue } from '../core/queue/index.ts';
import type { Store } from '../core/store/index.ts';
import { backupDir } from './settings.ts';
import { runBackup } from './run.ts';
import { recordAttempt } from './state.ts';

export const BACKUP_QUEUE = defineQueue({
  name: 'backup',
  payload: z.object({ task: z.literal('backup') }),
  key: () => null,
});

export interface BackupModuleDeps {
  config: Config;
  secrets: Secrets;
  store: Store;
  queue: Queue;
  log: Logger;
  version: string;
}

export class BackupModule implements Module {
  readonly name = 'backup';
  readonly #d: BackupModuleDeps;
  #state: ModuleStatus = { state: 'starting' };

  constructor(deps: BackupModuleDeps) {
    this.#d = deps;
  }

  async start(): Promise<void> {
    const { config, queue, log } = this.#d;
    const schedule = config.backup.schedule;
    if (schedule === 'off') {
      await queue.unschedule(BACKUP_QUEUE, 'backup');
      // Running, not off: no scheduled backup is a choice, not something missing (/healthz reports off modules).
      this.#state = { state: 'running', detail: 'backup.schedule is off: no scheduled backups' };
      return;
    }
    queue.work(BACKUP_QUEUE, () => this.backupNow());
    await queue.schedule(BACKUP_QUEUE, schedule, { task: 'backup' }, { name: 'backup' });
    this.#state = { state: 'running' };
    log.debug({ schedule, dir: backupDir(config) }, 'backups scheduled');
  }

  /** One backup now, recorded; throws (for the queue to retry) when it fails. */
  async backupNow(): Promise<void> {
    const { config, secrets, store, log, version } = this.#d;
    const dir = backupDir(config);
    try {
      const r = await runBackup({
        store,
        databaseUrl: secrets.DATABASE_URL,
        dir,
        keep: config.backup.keep,
        version,
        pgBin: config.backup.pg_bin,
      });
      await recordAttempt(store, { at: Date.now(), ok: true, path: r.path, error: null });
      log.info({ path: r.path, bytes: r.manifest.files[0]?.size, deleted: r.deleted.length }, 'backup written');
    } catch (err) {
      const error = (err as Error).message;
      await recordAttempt(store, { at: Date.now(), ok: false, path: null, error }).catch(() => {});
      log.error({ dir, error }, 'backup failed');
      throw err;
    }
  }

  async stop(): Promise<void> {
    this.#state = { state: 'stopped' };
  }

  status(): ModuleStatus {
    return this.#state;
  }
}
