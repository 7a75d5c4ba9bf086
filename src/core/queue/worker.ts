// One worker loop per queue: claims due jobs up to its concurrency, runs their handlers, records the outcome.
import type { Logger } from 'pino';
import { fullJitterDelay } from '../limits.ts';
import { isStoreUnavailable } from '../store/index.ts';
import type { Store } from '../store/index.ts';
import { describePayloadError } from './define.ts';
import type { QueueDefinition } from './define.ts';
import { NotHere, PayloadMismatch, PermanentError, RetryAfter } from './errors.ts';
import { claimJobs, completeJobs, extendLease, failJob } from './jobs.ts';
import type { Handler, Job, JobOutcome } from './types.ts';

export interface WorkerDeps<P> {
  store: Store;
  workerId: string;
  queue: QueueDefinition<P>;
  handler: Handler<P>;
  concurrency: number;
  leaseMs: number;
  pollMs: number;
  log: Logger;
  onFinish?: (queue: string, outcome: JobOutcome, ms: number) => void;
}

interface Running {
  job: Job;
  controller: AbortController;
  leaseTimer: NodeJS.Timeout;
  done: Promise<void>;
}

interface Unrecorded {
  job: Job;
  record(): Promise<JobOutcome>;
  log: Logger;
  started: number;
}

const MAX_ERROR_LENGTH = 4000;
/** How long a process leaves a job it could not run (NotHere) to the others before it tries again itself. */
const NOT_HERE_MS = 60_000;
/** The longest wait between claims while the store is unreachable. */
const OUTAGE_POLL_CAP_MS = 5_000;

export class Worker<P> {
  readonly #d: WorkerDeps<P>;
  readonly #running = new Map<number, Running>();
  #stopping = false;
  #shutdownAborted = false;
  /** Job id → until when this process leaves it to others (it threw NotHere). */
  readonly #notHere = new Map<number, number>();
  /** Outcomes of attempts that ended while the store was unreachable, oldest first. */
  readonly #unrecorded: Unrecorded[] = [];
  #flushing: Promise<void> | null = null;
  readonly #completions: Array<{ job: Job; resolve(ok: boolean): void; reject(err: unknown): void }> = [];
  #wake: (() => void) | null = null;
  #loop: Promise<void> | null = null;
  /** Last time the loop went round: /healthz says "workers run" only if it is recent. */
  lastLoopAt = Date.now();

  constructor(deps: WorkerDeps<P>) {
    this.#d = deps;
  }

  get queue(): string {
    return this.#d.queue.name;
  }

  get busy(): number {
    return this.#running.size;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Look for work now (a job was enqueued in this process, or a slot freed up). */
  poke(): void {
    this.#wake?.();
  }

  /** Aborts the handler of a job running here (after `cancel`). */
  abort(id: number, reason: string): void {
    this.#running.get(id)?.controller.abort(new Error(reason));
  }

  /** Stops claiming and waits for running handlers until `deadline`; then aborts them. Leases are the queue's to release. */
  async stop(deadline: number): Promise<void> {
    this.#stopping = true;
    this.poke();
    await this.#loop;
    const all = Promise.all([...this.#running.values()].map((r) => r.done));
    const left = deadline - Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      all.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), Math.max(0, left)))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      this.#d.log.warn(
        { queue: this.queue, jobs: [...this.#running.keys()] },
        'shutdown timeout: releasing running jobs',
      );
      this.#shutdownAborted = true;
      for (const r of this.#running.values()) r.controller.abort(new Error('shutdown: out of time'));
      // Give aborted handlers a moment to unwind so their release is recorded before the store closes.
      await Promise.race([
        Promise.all([...this.#running.values()].map((r) => r.done)),
        new Promise((r) => setTimeout(r, 1000).unref()),
      ]);
    }
    // Outcomes an outage held back: one last try, else the clean stop's release gives those jobs back.
    await this.flushUnrecorded().catch(() => {});
  }

  async #run(): Promise<void> {
    const { log, pollMs } = this.#d;
    const queue = this.queue;
    let failures = 0;
    while (!this.#stopping) {
      this.lastLoopAt = Date.now();
      const free = this.#d.concurrency - this.#running.size;
      let claimed = 0;
      if (free > 0) {
        try {
          await this.flushUnrecorded();
          const jobs = await claimJobs(
            this.#d.store.db,
            this.#d.store.kind,
            queue,
            free,
            this.#d.workerId,
            this.#d.leaseMs,
            Date.now(),
            this.#notHereIds(),
          );
          claimed = jobs.length;
          for (const job of jobs) this.#start(job);
          if (failures > 0) log.info({ queue }, 'store reachable again: claiming resumes');
          failures = 0;
        } catch (err) {
          failures++;
          if (failures === 1 || failures % 60 === 0) {
            if (isStoreUnavailable(err))
              log.warn(
                { queue, error: describeError(err), failures },
                'the store is unreachable: claiming waits for it',
              );
            else log.error({ err, queue, failures }, 'cannot claim jobs; will retry');
          }
        }
      }
      if (claimed > 0 && claimed === free) continue; // probably more due: go again at once
      // While the store is away, look again every few seconds at most: work resumes soon after it answers.
      const wait =
        failures > 0 ? Math.min(Math.max(pollMs, OUTAGE_POLL_CAP_MS), pollMs * 2 ** Math.min(failures, 5)) : pollMs;
      await this.#sleep(wait);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        // Let the other completions of this turn land first, so one claim fills several free slots.
        setImmediate(resolve);
      }
      this.#wake = () => {
        this.#wake = null;
        done();
      };
    });
  }

  #start(job: Job): void {
    const controller = new AbortController();
    const started = Date.now();
    const log = this.#d.log.child({
      request_id: `job-${job.id}`,
      job_id: job.id,
      queue: job.queue,
      attempt: job.attempts,
    });
    const running: Running = {
      job,
      controller,
      leaseTimer: this.#leaseTimer(job, controller, this.#d.leaseMs),
      done: Promise.resolve(),
    };
    // Before the attempt starts: a payload that fails its schema ends it synchronously, and its cleanup must find it.
    this.#running.set(job.id, running);
    const heartbeat = async (): Promise<void> => {
      const now = Date.now();
      const held = await extendLease(this.#d.store.db, job, now + this.#d.leaseMs, now);
      if (!held) {
        controller.abort(new Error('the job was cancelled or its lease was lost'));
        throw controller.signal.reason as Error;
      }
      clearTimeout(running.leaseTimer);
      running.leaseTimer = this.#leaseTimer(job, controller, this.#d.leaseMs);
    };
    running.done = (async () => {
      let record: () => Promise<JobOutcome>;
      try {
        const payload = this.#payload(job);
        await this.#d.handler({
          job: { ...job, payload },
          signal: controller.signal,
          heartbeat,
          leaseMs: this.#d.leaseMs,
          log,
        });
        record = async () => ((await this.#complete(job)) ? 'done' : 'lost');
      } catch (err) {
        record = () => this.#failed(job, err, log);
      } finally {
        clearTimeout(running.leaseTimer);
        this.#running.delete(job.id);
      }
      // The slot is free now: the next claim goes out while this outcome is written, not after (one round trip
      // instead of two between a job's end and the next one's start).
      this.poke();
      await this.#record(job, record, log, started);
      this.poke();
    })().catch((err: unknown) => {
      // Recording the outcome failed for another reason than an outage: the lease expires and the job runs again.
      log.error({ err }, 'could not record the job outcome; it will run again after its lease expires');
    });
  }

  /** The job's payload checked by its queue's schema: what the handler is typed for, or PayloadMismatch. */
  #payload(job: Job): P {
    const parsed = this.#d.queue.payload.safeParse(job.payload);
    if (parsed.success) return parsed.data;
    throw new PayloadMismatch(
      `queue ${job.queue}: the payload of job #${job.id} does not match the queue's schema (${describePayloadError(parsed.error)}); ` +
        `fix the code or row that wrote it, then run it again with \`centinela jobs retry ${job.id}\``,
    );
  }

  /** Jobs this process released as not runnable here, still left to the others. */
  #notHereIds(): number[] {
    const now = Date.now();
    for (const [id, until] of this.#notHere) if (until <= now) this.#notHere.delete(id);
    return [...this.#notHere.keys()].slice(0, 500);
  }

  /**
   * Records how an attempt ended. With the store unreachable the outcome is kept here and written once it answers
   * (flushUnrecorded), so an outage neither loses a finished job's result nor waits out its lease.
   */
  async #record(job: Job, record: () => Promise<JobOutcome>, log: Logger, started: number): Promise<void> {
    let outcome: JobOutcome;
    try {
      outcome = await record();
    } catch (err) {
      if (!isStoreUnavailable(err)) throw err;
      log.warn(
        { error: describeError(err) },
        'the store is unreachable: the outcome of this job is written once it answers',
      );
      this.#unrecorded.push({ job, record, log, started });
      return;
    }
    if (outcome === 'lost')
      log.warn('job finished but was no longer ours (cancelled or lease lost); its outcome is not recorded');
    this.#d.onFinish?.(job.queue, outcome, Date.now() - started);
  }

  /**
   * Writes the outcomes an outage held back; stops at the first that still cannot be written (throws its error).
   * The loop and queue maintenance both call it: one flush at a time, the other waits for it.
   */
  flushUnrecorded(): Promise<void> {
    if (this.#unrecorded.length === 0) return Promise.resolve();
    this.#flushing ??= (async () => {
      try {
        while (this.#unrecorded.length > 0) {
          const next = this.#unrecorded[0] as Unrecorded;
          const outcome = await next.record();
          this.#unrecorded.shift();
          if (outcome === 'lost')
            next.log.warn(
              'outcome written late: the job was no longer ours (its lease ran out during the outage); it runs again',
            );
          this.#d.onFinish?.(next.job.queue, outcome, Date.now() - next.started);
        }
      } finally {
        this.#flushing = null;
      }
    })();
    return this.#flushing;
  }

  /**
   * Completions that land in the same turn of the event loop are written in one statement: under load that
   * halves the statements per job; a lone completion waits only for setImmediate.
   */
  #complete(job: Job): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.#completions.push({ job, resolve, reject });
      if (this.#completions.length > 1) return;
      setImmediate(() => {
        const batch = this.#completions.splice(0);
        completeJobs(
          this.#d.store.db,
          batch.map((b) => b.job),
          this.#d.workerId,
          Date.now(),
        ).then(
          (done) => batch.forEach((b) => b.resolve(done.has(b.job.id))),
          (err: unknown) => batch.forEach((b) => b.reject(err)),
        );
      });
    });
  }

  /** A handler that forgets to heartbeat loses its lease; abort it so it stops touching what is no longer its. */
  #leaseTimer(job: Job, controller: AbortController, ms: number): NodeJS.Timeout {
    const timer = setTimeout(
      () => controller.abort(new Error(`lease of job ${job.id} expired: call heartbeat() during long work`)),
      ms,
    );
    timer.unref();
    return timer;
  }

  async #failed(job: Job, err: unknown, log: Logger): Promise<JobOutcome> {
    const now = Date.now();
    const message = describeError(err);
    const db = this.#d.store.db;
    if (err instanceof PayloadMismatch) {
      log.error({ error: message }, 'job is dead: its payload does not match its schema');
      return (await failJob(db, job, { state: 'dead' }, message, now)) ? 'dead' : 'lost';
    }
    if (this.#shutdownAborted || isStoreUnavailable(err)) {
      // Not the job's fault: give it back at once with its attempt, as a clean stop does.
      const why = this.#shutdownAborted ? 'released at shutdown' : `released: the store was unreachable (${message})`;
      const ok = await failJob(db, job, { state: 'waiting', runAt: now, refundAttempt: true }, why, now);
      if (ok && !this.#shutdownAborted)
        log.warn({ error: message }, 'the store was unreachable: job released without using up an attempt');
      return ok ? 'retry' : 'lost';
    }
    if (err instanceof NotHere) {
      // Another process may be able to: back at once, attempt refunded, and this one leaves it alone a while.
      this.#notHere.set(job.id, now + NOT_HERE_MS);
      log.warn({ error: message }, 'job released for another worker: it cannot run here');
      const ok = await failJob(db, job, { state: 'waiting', runAt: now, refundAttempt: true }, message, now);
      return ok ? 'retry' : 'lost';
    }
    if (err instanceof RetryAfter) {
      log.info({ retry_in_s: err.seconds }, `job deferred: ${message}`);
      const ok = await failJob(
        db,
        job,
        { state: 'waiting', runAt: now + err.seconds * 1000, refundAttempt: true },
        message,
        now,
      );
      return ok ? 'retry' : 'lost';
    }
    if (err instanceof PermanentError) {
      log.error({ error: message }, 'job failed permanently');
      return (await failJob(db, job, { state: 'failed' }, message, now)) ? 'failed' : 'lost';
    }
    if (job.attempts >= job.maxAttempts) {
      log.error({ error: message, attempts: job.attempts }, 'job is dead: out of attempts');
      return (await failJob(db, job, { state: 'dead' }, message, now)) ? 'dead' : 'lost';
    }
    const delay = fullJitterDelay(job.attempts, job.backoff);
    log.warn({ error: message, retry_in_ms: delay }, 'job failed; will retry');
    const ok = await failJob(db, job, { state: 'waiting', runAt: now + delay, refundAttempt: false }, message, now);
    return ok ? 'retry' : 'lost';
  }
}

function describeError(err: unknown): string {
  const text = err instanceof Error ? `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}` : String(err);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}

/** What the queue needs of a worker loop, whatever its payload type. */
export type WorkerLoop = Pick<
  Worker<unknown>,
  'queue' | 'busy' | 'lastLoopAt' | 'start' | 'poke' | 'abort' | 'stop' | 'flushUnrecorded'
>;
