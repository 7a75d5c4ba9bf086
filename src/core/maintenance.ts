// Housekeeping as a module: a daily cron job prunes finished jobs, so the jobs table stays small.
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Module, ModuleStatus } from './module.ts';
import { defineQueue } from './queue/index.ts';
import type { Queue } from './queue/index.ts';

/** Housekeeping ticks of a cron schedule (the schedule keys each tick). */
export const MAINTENANCE_QUEUE = defineQueue({
  name: 'maintenance',
  payload: z.object({ task: z.literal('prune') }),
  key: () => null,
});

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
    await this.#queue.schedule(MAINTENANCE_QUEUE, '17 3 * * *', { task: 'prune' }, { name: 'maintenance.prune' });
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
