// The durable queue (ARCHITECTURE.md, "The durable queue"): one implementation on SQLite and PostgreSQL.
// Delivery is at least once; handlers must be idempotent.
import { hostName } from '../host.ts';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Backoff } from '../limits.ts';
import { isStoreUnavailable } from '../store/index.ts';
import type { Store } from '../store/index.ts';
import { enqueueDueTicks, upsertSchedule } from './cron.ts';
import { releaseDeadWorkersOnHost } from './dead-workers.ts';
import type { ScheduleOptions } from './cron.ts';
import { describePayloadError } from './define.ts';
import type { QueueDefinition } from './define.ts';
import {
  cancelJob,
  countJobs,
  insertJob,
  oldestDue,
  pruneFinished,
  releaseExpired,
  releaseWorker,
  requeueJob,
  selectJobs,
  toJob,
} from './jobs.ts';
import type { EnqueueOptions, Handler, Job, JobFilter, JobOutcome, WorkOptions } from './types.ts';
import { Worker } from './worker.ts';
import type { WorkerLoop } from './worker.ts';

/** How often maintenance looks for jobs held by dead processes of this host. */
const DEAD_CHECK_MS = 1000;

export interface QueueOptions {
  store: Store;
  log: Logger;
  pollMs: number;
  leaseMs: number;
  maxAttempts: number;
  backoff: Backoff;
  /** Called when an attempt ends (metrics). */
  onFinish?: (queue: string, outcome: JobOutcome, ms: number) => void;
}

export interface QueueStats {
  queue: string;
  counts: Record<string, number>;
  /** Seconds the longest-due waiting job has waited; 0 when none. */
  oldestWaitingSeconds: number;
}

export class Queue {
  /** Names this process's claims, so a clean stop can release exactly its own jobs. */
  readonly workerId = `${hostName()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  readonly #o: QueueOptions;
  readonly #workers = new Map<string, WorkerLoop>();
  #maintenance: NodeJS.Timeout | null = null;
  #stopped = false;
  #lastDeadCheck = 0;

  constructor(options: QueueOptions) {
    this.#o = options;
  }

  /** Adds a job to the declared queue, keyed by the declaration; a live job with the same key is returned instead. */
  async enqueue<P>(
    queue: QueueDefinition<P>,
    payload: P,
    options: EnqueueOptions = {},
  ): Promise<{ job: Job; created: boolean }> {
    const now = Date.now();
    const runAt = options.runAt instanceof Date ? options.runAt.getTime() : (options.runAt ?? now);
    const result = await insertJob(
      options.within ?? this.#o.store.db,
      {
        queue: queue.name,
        payload,
        key: queue.key(payload),
        priority: options.priority ?? 0,
        runAt,
        maxAttempts: options.maxAttempts ?? this.#o.maxAttempts,
        backoffBaseMs: options.backoff?.baseMs ?? this.#o.backoff.baseMs,
        backoffCapMs: options.backoff?.capMs ?? this.#o.backoff.capMs,
      },
      now,
    );
    // Inside a transaction the job is not visible yet: the caller pokes after the commit.
    if (result.created && runAt <= now && !options.within) this.poke(queue);
    return result;
  }

  /** Tells this process's worker of `queue` to look for work now. */
  poke(queue: QueueDefinition<unknown>): void {
    this.#workers.get(queue.name)?.poke();
  }

  /** Starts a worker loop for `queue`: its handler gets payloads checked by the queue's schema. One per queue per process. */
  work<P>(queue: QueueDefinition<P>, handler: Handler<P>, options: WorkOptions = {}): void {
    if (this.#stopped) throw new Error('the queue is stopped');
    if (this.#workers.has(queue.name)) throw new Error(`queue ${queue.name} already has a worker in this process`);
    const worker = new Worker<P>({
      store: this.#o.store,
      workerId: this.workerId,
      queue,
      handler,
      concurrency: options.concurrency ?? 1,
      leaseMs: options.leaseMs ?? this.#o.leaseMs,
      pollMs: this.#o.pollMs,
      log: this.#o.log,
      onFinish: this.#o.onFinish,
    });
    this.#workers.set(queue.name, worker);
    worker.start();
    this.#startMaintenance();
  }

  /** Registers (or updates) a cron schedule; each tick becomes one job on `queue` with this payload. */
  async schedule<P>(queue: QueueDefinition<P>, cron: string, payload: P, options: ScheduleOptions = {}): Promise<void> {
    const name = options.name ?? queue.name;
    const checked = queue.payload.safeParse(payload);
    if (!checked.success)
      throw new Error(
        `schedule ${name}: its payload does not match queue ${queue.name}'s schema (${describePayloadError(checked.error)})`,
      );
    await upsertSchedule(this.#o.store.db, name, cron, queue.name, payload, options.tz, Date.now());
    this.#startMaintenance();
  }

  /** Removes a cron schedule (a feature turned off), so no tick is enqueued for a queue nobody works. */
  async unschedule(queue: QueueDefinition<unknown>, name = queue.name): Promise<void> {
    await this.#o.store.db.deleteFrom('schedules').where('name', '=', name).execute();
  }

  async get(id: number): Promise<Job | undefined> {
    const row = await selectJobs(this.#o.store.db, { ids: [id] }).executeTakeFirst();
    return row ? toJob(row) : undefined;
  }

  async list(filter: JobFilter = {}, limit = 50): Promise<Job[]> {
    const rows = await selectJobs(this.#o.store.db, filter).orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toJob);
  }

  /** Puts failed and dead jobs (or those the filter names) back to waiting with fresh attempts. */
  async retry(filter: JobFilter = {}): Promise<{ retried: number[]; skipped: number[] }> {
    const states = filter.states?.length
      ? filter.states.filter((s) => s !== 'waiting' && s !== 'active')
      : (['failed', 'dead'] as const);
    const rows = await selectJobs(this.#o.store.db, { ...filter, states: [...states] })
      .select('id')
      .execute();
    const retried: number[] = [];
    const skipped: number[] = [];
    for (const { id } of rows) ((await requeueJob(this.#o.store.db, id, Date.now())) ? retried : skipped).push(id);
    for (const q of new Set(rows.map((r) => r.queue))) this.#workers.get(q)?.poke();
    return { retried, skipped };
  }

  /** Cancels a waiting or running job; a handler running here is aborted. */
  async cancel(id: number): Promise<boolean> {
    const ok = await cancelJob(this.#o.store.db, id, Date.now());
    if (ok) for (const w of this.#workers.values()) w.abort(id, 'the job was cancelled');
    return ok;
  }

  async stats(): Promise<QueueStats[]> {
    const now = Date.now();
    const [counts, oldest] = await Promise.all([countJobs(this.#o.store.db), oldestDue(this.#o.store.db, now)]);
    const byQueue = new Map<string, QueueStats>();
    const entry = (queue: string): QueueStats => {
      let s = byQueue.get(queue);
      if (!s) byQueue.set(queue, (s = { queue, counts: {}, oldestWaitingSeconds: 0 }));
      return s;
    };
    for (const w of this.#workers.keys()) entry(w);
    for (const c of counts) entry(c.queue).counts[c.state] = c.count;
    for (const o of oldest) entry(o.queue).oldestWaitingSeconds = Math.max(0, Math.round((now - o.since) / 1000));
    return [...byQueue.values()].sort((a, b) => a.queue.localeCompare(b.queue));
  }

  async prune(olderThanMs: number): Promise<number> {
    return pruneFinished(this.#o.store.db, Date.now() - olderThanMs);
  }

  /** Worker loops that have not gone round recently are stuck (for /healthz). */
  workersAlive(maxSilenceMs = Math.max(30_000, this.#o.pollMs * 5)): boolean {
    const now = Date.now();
    return [...this.#workers.values()].every((w) => now - w.lastLoopAt < maxSilenceMs || w.busy > 0);
  }

  get queues(): string[] {
    return [...this.#workers.keys()];
  }

  /** Stops claiming, lets running handlers finish until the timeout, then aborts them and releases their jobs. */
  async stop(timeoutMs: number): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#maintenance) clearInterval(this.#maintenance);
    const deadline = Date.now() + timeoutMs;
    await Promise.all([...this.#workers.values()].map((w) => w.stop(deadline)));
    const released = await releaseWorker(this.#o.store.db, this.workerId, Date.now());
    if (released > 0) this.#o.log.info({ released }, 'released unfinished jobs for another worker');
  }

  /** Returns expired leases to the queue and enqueues due cron ticks, about once a poll interval. */
  async maintain(): Promise<void> {
    // Outcomes an outage held back first: their leases may have run out meanwhile, and they are ours to write.
    for (const w of this.#workers.values()) await w.flushUnrecorded();
    const now = Date.now();
    const db = this.#o.store.db;
    const expired = await releaseExpired(db, now);
    if (expired > 0)
      this.#o.log.warn({ jobs: expired }, 'jobs of a silent worker returned to the queue (lease expired)');
    let orphans = 0;
    if (now - this.#lastDeadCheck >= DEAD_CHECK_MS) {
      this.#lastDeadCheck = now;
      for (const r of await releaseDeadWorkersOnHost(db, this.workerId, now)) {
        orphans += r.jobs;
        this.#o.log.warn(
          { worker: r.worker, jobs: r.jobs },
          'jobs of a dead process on this host returned to the queue without waiting for their lease',
        );
      }
    }
    const ticks = await enqueueDueTicks(
      db,
      {
        priority: 0,
        maxAttempts: this.#o.maxAttempts,
        backoffBaseMs: this.#o.backoff.baseMs,
        backoffCapMs: this.#o.backoff.capMs,
      },
      now,
    );
    if (ticks > 0 || expired > 0 || orphans > 0) for (const w of this.#workers.values()) w.poke();
  }

  #startMaintenance(): void {
    if (this.#maintenance || this.#stopped) return;
    let running = false;
    let failures = 0;
    const tick = (): void => {
      if (running || this.#stopped) return;
      running = true;
      this.maintain()
        .then(() => {
          // The store answers again: workers waiting out their backoff look for work now.
          if (failures > 0) for (const w of this.#workers.values()) w.poke();
          failures = 0;
        })
        .catch((err: unknown) => {
          if (failures++ % 60 !== 0) return;
          if (isStoreUnavailable(err))
            this.#o.log.warn(
              { error: (err as Error).message },
              'the store is unreachable: queue maintenance waits for it',
            );
          else this.#o.log.error({ err }, 'queue maintenance failed; will retry');
        })
        .finally(() => (running = false));
    };
    this.#maintenance = setInterval(tick, this.#o.pollMs);
    this.#maintenance.unref();
    // At once too: a restarted process gives back its dead predecessor's jobs without waiting a poll.
    setImmediate(tick);
  }
}
