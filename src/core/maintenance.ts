// Housekeeping as a module: a daily cron job prunes finished jobs, so the jobs table stays small.
import type { Logger } from 'pino';
import type { Module, ModuleStatus } from './module.ts';
import type { Queue } from './queue/index.ts';

export const MAINTENANCE_QUEUE = 'maintenance';

export class MaintenanceModule implements Module {
  readonly name = 'maintenance';
  readonly #queue: Queue;
  readonly #keepMs: number;
  readonly #log: Logger;
  #state: ModuleStatus = { state: 'starting' };

  constructor(queue: Queue, keepFinishedDays: number, log: Logger) {
    this.#queue = queue;
    this.#keepMs = keepFinishedDays * 86_400_000;
    this.#log = log;
  }

  async start(): Promise<void> {
    this.#queue.work(MAINTENANCE_QUEUE, async ({ log }) => {
      const pruned = await this.#queue.prune(this.#keepMs);
      log.info({ pruned }, 'pruned finished jobs');
    });
    await this.#queue.schedule('maintenance.prune', '17 3 * * *', { task: 'prune' }, { queue: MAINTENANCE_QUEUE });
    this.#state = { state: 'running' };
    this.#log.debug('maintenance scheduled');
  }

  async stop(): Promise<void> {
    this.#state = { state: 'stopped' };
  }

  status(): ModuleStatus {
    return this.#state;
  }
}
