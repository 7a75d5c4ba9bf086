// The named questions other modules ask of the jobs and schedules tables (they own no SQL on them): a file's jobs
// for progress and retries, the latest failures for status, each queue's activity and the schedules for the monitor.
import type { Kysely } from 'kysely';
import type { Database, JobState, Store } from '../store/index.ts';
import type { QueueDefinition } from './define.ts';
import { toJob } from './jobs.ts';
import type { Job } from './types.ts';

/** Keys asked for in one statement: well under every store's limit of bound parameters. */
const CHUNK = 500;

export interface JobsOf<P> {
  /** Only the jobs of these payloads, found by the unique key the declaration makes of each. */
  payloads?: readonly P[];
  states?: readonly JobState[];
}

export interface QueueActivity {
  /** run_at of the longest-due waiting job. */
  oldestDue: number;
  waiting: number;
  /** Last claim, lease extension or finish; null when no job of the queue was ever worked on. */
  lastProgress: number | null;
}

export interface ScheduleRecord {
  name: string;
  queue: string;
  cron: string;
  tz: string | null;
  nextRunAt: number;
}

export class JobRecords {
  readonly #db: Kysely<Database>;

  constructor(store: Store) {
    this.#db = store.db;
  }

  /** Jobs of a declared queue, oldest first; a payload that does not match the queue's schema reads as null. */
  async of<P>(queue: QueueDefinition<P>, filter: JobsOf<P> = {}): Promise<Array<Job<P | null>>> {
    const select = (keys?: string[]) => {
      let q = this.#db.selectFrom('jobs').selectAll().where('queue', '=', queue.name);
      if (filter.states) q = q.where('state', 'in', [...filter.states]);
      if (keys) q = q.where('key', 'in', keys);
      return q.orderBy('id').execute();
    };
    let rows;
    if (filter.payloads) {
      const keys = [...new Set(filter.payloads.map((p) => keyOf(queue, p)))];
      rows = [];
      for (let i = 0; i < keys.length; i += CHUNK) rows.push(...(await select(keys.slice(i, i + CHUNK))));
      rows.sort((a, b) => a.id - b.id);
    } else {
      rows = await select();
    }
    return rows.map((row) => {
      const job = toJob(row);
      return { ...job, payload: queue.payloadOf(job) };
    });
  }

  /** The latest jobs that failed for good (failed or dead), newest first. */
  async recentFailures(limit: number): Promise<Job[]> {
    const rows = await this.#db
      .selectFrom('jobs')
      .selectAll()
      .where('state', 'in', ['failed', 'dead'])
      .orderBy('finished_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toJob);
  }

  /** Per queue with due work waiting: how long it has waited and when any of its jobs last made progress. */
  async activity(now: number): Promise<Map<string, QueueActivity>> {
    const [due, progress] = await Promise.all([
      this.#db
        .selectFrom('jobs')
        .select([
          'queue',
          (eb) => eb.fn.min<number>('run_at').as('oldest'),
          (eb) => eb.fn.countAll<number>().as('waiting'),
        ])
        .where('state', '=', 'waiting')
        .where('run_at', '<=', now)
        .groupBy('queue')
        .execute(),
      // Claiming, extending a lease and finishing all write updated_at; a waiting job with attempts was worked on.
      this.#db
        .selectFrom('jobs')
        .select(['queue', (eb) => eb.fn.max<number>('updated_at').as('last')])
        .where((eb) => eb.or([eb('state', '<>', 'waiting'), eb('attempts', '>', 0)]))
        .groupBy('queue')
        .execute(),
    ]);
    const last = new Map(progress.map((r) => [r.queue, Number(r.last)]));
    return new Map(
      due.map((r) => [
        r.queue,
        { oldestDue: Number(r.oldest), waiting: Number(r.waiting), lastProgress: last.get(r.queue) ?? null },
      ]),
    );
  }

  /** Every cron schedule, by name. */
  async schedules(): Promise<ScheduleRecord[]> {
    const rows = await this.#db
      .selectFrom('schedules')
      .select(['name', 'queue', 'cron', 'tz', 'next_run_at'])
      .orderBy('name')
      .execute();
    return rows.map((s) => ({
      name: s.name,
      queue: s.queue,
      cron: s.cron,
      tz: s.tz,
      nextRunAt: Number(s.next_run_at),
    }));
  }
}

function keyOf<P>(queue: QueueDefinition<P>, payload: P): string {
  const key = queue.key(payload);
  if (key === null)
    throw new Error(
      `queue ${queue.name} makes no key for ${JSON.stringify(payload)}: its jobs cannot be found by payload`,
    );
  return key;
}
