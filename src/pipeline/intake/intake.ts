// The intake: records files as they arrive (fast: a row and two jobs) and runs the jobs that bring them in.
import type { Config } from '../../core/config.ts';
import type { Queue } from '../../core/queue/index.ts';
import type { Store } from '../../core/store/index.ts';
import { BATCH_QUEUE, batchHandler } from './batch-job.ts';
import { DOWNLOAD_QUEUE, downloadHandler, partsDir } from './download-job.ts';
import { cleanOrphanParts } from './store-file/index.ts';
import type { Logger } from '../../core/log.ts';
import { intakePaused, pauseIntake, resumeIntake } from './pause.ts';
import type { PauseState } from './pause.ts';
import type { FileLocator, Notifier } from './ports.ts';
import { IntakeRecords } from './records.ts';
import type { Followers } from './followers.ts';
import type { BatchRow, FileRow, NewFile } from './records.ts';

/** Downloads may wait minutes for the Bot API server; they get more attempts than the default. */
const DOWNLOAD_ATTEMPTS = 8;

export class Intake {
  readonly records: IntakeRecords;
  /** The pipelines that take stored files further, by purpose. */
  readonly followers: Followers;
  readonly #config: Config;
  readonly #store: Store;
  readonly #queue: Queue;

  constructor(config: Config, store: Store, queue: Queue, followers: Followers) {
    this.#config = config;
    this.#store = store;
    this.#queue = queue;
    this.followers = followers;
    this.records = new IntakeRecords(store);
  }

  /**
   * Records a received file, puts it in its batch and enqueues its download and the batch's follow-up; `also`
   * runs in the recording transaction (the receipt). Idempotent: the same update recorded twice returns
   * `created: false` and enqueues nothing new.
   */
  async receive(
    file: NewFile,
    language: string,
    also?: Parameters<IntakeRecords['record']>[4],
  ): Promise<{ file: FileRow; batch: BatchRow; created: boolean; newBatch: boolean }> {
    // The jobs are written in the recording transaction: a process killed right after the commit must not leave a
    // recorded file without its download (a re-delivered update finds the file and enqueues nothing).
    const result = await this.records.record(
      file,
      language,
      this.#config.intake.batch_window_seconds * 1000,
      this.#config.intake.album_wait_ms,
      async (trx, recorded) => {
        await this.#queue.enqueue(
          DOWNLOAD_QUEUE,
          { fileId: recorded.file.id },
          { maxAttempts: DOWNLOAD_ATTEMPTS, within: trx },
        );
        await this.#queue.enqueue(
          BATCH_QUEUE,
          { batchId: recorded.batch.id },
          { runAt: recorded.batch.closes_at, within: trx },
        );
        await also?.(trx, recorded);
      },
    );
    if (!result.created) return result;
    this.#queue.poke(DOWNLOAD_QUEUE);
    this.#queue.poke(BATCH_QUEUE);
    return result;
  }

  /** Starts the download and batch workers (in the process that can reach the files' source). */
  work(locator: FileLocator, notifier: Notifier, log?: Logger): void {
    // Parts left by a crashed process: removed before any download of this one starts.
    void cleanOrphanParts(partsDir(this.#config)).then((removed) => {
      if (removed.length > 0)
        log?.warn(
          { files: removed.length, folder: partsDir(this.#config) },
          'removed partial downloads left by a crash',
        );
    });
    const deps = {
      config: this.#config,
      store: this.#store,
      queue: this.#queue,
      records: this.records,
      followers: this.followers,
      locator,
      notifier,
    };
    this.#queue.work(DOWNLOAD_QUEUE, downloadHandler(deps), { concurrency: this.#config.intake.download_concurrency });
    this.#queue.work(BATCH_QUEUE, batchHandler({ records: this.records, notifier, followers: this.followers }), {
      concurrency: 4,
    });
  }

  paused(): Promise<PauseState | null> {
    return intakePaused(this.#store);
  }

  pause(reason: string): Promise<boolean> {
    return pauseIntake(this.#store, reason);
  }

  resume(): Promise<boolean> {
    return resumeIntake(this.#store);
  }
}
