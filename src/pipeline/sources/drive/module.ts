// The Drive source in the service: works the drive.sync queue (drive.schedule's ticks and /sync) one run at a time
// across processes (the run's lock), tells the admin who asked the summary when it ends. A failed run, or a
// reconcile that found missed files, is logged for the monitor's rules (drive_sync_failed, drive_missed_files).
import type { Config } from '../../../core/config.ts';
import type { Logger } from '../../../core/log.ts';
import type { Module, ModuleStatus } from '../../../core/module.ts';
import type { HandlerContext, Queue } from '../../../core/queue/index.ts';
import type { Store } from '../../../core/store/index.ts';
import { sayIn } from '../../../locales/index.ts';
import { escapeHtml, queueMessage } from '../../../outbox/index.ts';
import { SyncBusy } from './errors.ts';
import { DRIVE_QUEUE } from './queue.ts';
import { runSync, syncOptionsFrom } from './run.ts';
import type { SyncDeps } from './run.ts';
import { syncSummary } from './summary.ts';

type Payload = HandlerContext<{ dryRun: boolean; chatId: number | null; lang: string }>;

export class DriveModule implements Module {
  readonly name = 'drive';
  readonly #config: Config;
  readonly #store: Store;
  readonly #queue: Queue;
  readonly #deps: SyncDeps;
  readonly #log: Logger;
  #state: ModuleStatus = { state: 'starting' };

  constructor(config: Config, store: Store, queue: Queue, deps: SyncDeps, log: Logger) {
    this.#config = config;
    this.#store = store;
    this.#queue = queue;
    this.#deps = deps;
    this.#log = log;
  }

  async start(): Promise<void> {
    const { folders, schedule, mode } = this.#config.drive;
    this.#queue.work(DRIVE_QUEUE, (ctx) => this.#run(ctx), { concurrency: 1 });
    if (schedule) await this.#queue.schedule(DRIVE_QUEUE, schedule, { dryRun: false, chatId: null, lang: 'es' });
    else await this.#queue.unschedule(DRIVE_QUEUE);
    this.#state = {
      state: 'running',
      detail: `${folders.length} folder(s), mode ${mode}, ${schedule ? `schedule ${schedule}` : 'no schedule (centinela sync, /sync)'}`,
    };
  }

  async stop(): Promise<void> {
    this.#state = { state: 'stopped' };
  }

  status(): ModuleStatus {
    return this.#state;
  }

  async #run(ctx: Payload): Promise<void> {
    const p = ctx.job.payload;
    const say = sayIn(p.lang);
    // A run can outlast the job's lease: keep it while the run goes on.
    const beat = setInterval(() => void ctx.heartbeat().catch(() => {}), Math.max(1000, ctx.leaseMs / 3));
    let text: string;
    try {
      const options = { ...syncOptionsFrom(this.#config, 'service'), dryRun: p.dryRun };
      const result = await runSync({ ...this.#deps, signal: ctx.signal }, options);
      text = syncSummary(result.metrics, say, result.wouldTake.length);
    } catch (err) {
      if (!(err instanceof SyncBusy)) throw err;
      this.#log.info({ reason: err.message }, 'drive: a run is already going on; this one is skipped');
      text = say('drive-sync-busy', { detail: err.message });
    } finally {
      clearInterval(beat);
    }
    if (p.chatId !== null) await queueMessage(this.#store, { chatId: p.chatId, text: escapeHtml(text) });
  }
}
