// Hands records to onRecords in batches of up to 1000, one call at a time, and writes the batch's checkpoints only
// after the call resolved. A failed batch stays at the head of the queue and is offered again (at least once).
import type { LogRecord } from '../types.ts';
import type { CheckpointRecords } from './checkpoints.ts';
import type { TailFile } from './file-reader.ts';
import type { Ledger } from './ledger.ts';
import type { ProblemLog } from './problems.ts';
import type { Emitted } from './records.ts';

/** Records per onRecords call. */
export const BATCH = 1000;

export interface DeliveryDeps {
  onRecords(records: LogRecord[]): Promise<void>;
  checkpoints: CheckpointRecords;
  ledger: Ledger;
  problems: ProblemLog;
  now: () => number;
  /** After a failure, signals and polls wait this long before offering the batch again. */
  retryMs: number;
}

export class Delivery {
  /** Records read and not yet handled, in file order. */
  readonly queue: Emitted<TailFile>[] = [];
  /** Records handled since start. */
  records = 0;
  /** The last failure of onRecords, until a batch goes through. */
  error: unknown = null;
  /** Signals and polls do not retry before this time (epoch ms); drain() does. */
  retryAt = 0;
  readonly #d: DeliveryDeps;

  constructor(deps: DeliveryDeps) {
    this.#d = deps;
  }

  /** Full batches, or everything with `all`. False when onRecords failed. */
  async deliver(all: boolean): Promise<boolean> {
    const q = this.queue;
    while (q.length >= BATCH || (all && q.length > 0)) {
      const n = Math.min(BATCH, q.length);
      const batch = q.slice(0, n);
      try {
        await this.#d.onRecords(batch.map((e) => e.record));
      } catch (err) {
        this.error = err;
        this.retryAt = this.#d.now() + this.#d.retryMs;
        const message = (err as Error | null)?.message ?? String(err);
        this.#d.problems.report(
          'deliver',
          {
            subject: 'onRecords',
            condition: message,
            message: `handling ${n} log records failed; they are kept and offered again`,
          },
          err,
        );
        return false;
      }
      this.#d.problems.clear('deliver', 'onRecords', 'log records are handled again');
      q.splice(0, n);
      for (const e of batch) e.owner.acked = e.end;
      this.records += n;
      await this.save(this.#d.now());
    }
    this.error = null;
    return true;
  }

  /** Writes every checkpoint that changed, in one statement; a failure is logged and retried with the next save. */
  async save(now: number): Promise<void> {
    const rows = this.#d.ledger.dirtyRows(now);
    if (rows.length === 0) return;
    try {
      await this.#d.checkpoints.save(rows);
      this.#d.ledger.saved(rows);
      this.#d.problems.clear('store', 'tail_checkpoints', 'tail checkpoints are saved again');
    } catch (err) {
      this.#d.problems.report(
        'store',
        {
          subject: 'tail_checkpoints',
          condition: 'save',
          message: 'cannot save the tail checkpoints; tried again with the next batch',
        },
        err,
      );
    }
  }
}
