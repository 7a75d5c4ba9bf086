// The jobs table's statements. Every state change is one statement guarded by the job's current state and
// owner, so two processes can never both complete, retry or release the same attempt.
import { sql } from 'kysely';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { isUniqueViolation } from '../store/index.ts';
import type { Database, JobsTable, JobState, StoreKind } from '../store/index.ts';
import type { Job, JobFilter } from './types.ts';

type Db = Kysely<Database> | Transaction<Database>;
const LIVE: JobState[] = ['waiting', 'active'];

export interface NewJob {
  queue: string;
  payload: unknown;
  key: string | null;
  priority: number;
  runAt: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffCapMs: number;
}

export function toJob(row: Selectable<JobsTable>): Job {
  return {
    id: row.id,
    queue: row.queue,
    payload: JSON.parse(row.payload) as unknown,
    key: row.key,
    state: row.state,
    priority: row.priority,
    runAt: row.run_at,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    backoff: { baseMs: row.backoff_base_ms, capMs: row.backoff_cap_ms },
    leaseUntil: row.lease_until,
    worker: row.worker,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  };
}

/** Inserts a job, or returns the live job that holds its key. */
export async function insertJob(db: Db, job: NewJob, now: number): Promise<{ job: Job; created: boolean }> {
  const values = {
    queue: job.queue,
    payload: JSON.stringify(job.payload ?? null),
    key: job.key,
    state: 'waiting' as const,
    priority: job.priority,
    run_at: job.runAt,
    attempts: 0,
    max_attempts: job.maxAttempts,
    backoff_base_ms: job.backoffBaseMs,
    backoff_cap_ms: job.backoffCapMs,
    created_at: now,
    updated_at: now,
  };
  if (job.key === null) {
    const row = await db.insertInto('jobs').values(values).returningAll().executeTakeFirstOrThrow();
    return { job: toJob(row), created: true };
  }
  // The existing job may finish between the two statements; then the insert succeeds on the next round.
  for (let round = 0; round < 3; round++) {
    const row = await db
      .insertInto('jobs')
      .values(values)
      .onConflict((oc) =>
        oc
          .column('key')
          .where(sql<boolean>`state in ('waiting', 'active')`)
          .doNothing(),
      )
      .returningAll()
      .executeTakeFirst();
    if (row) return { job: toJob(row), created: true };
    const existing = await db
      .selectFrom('jobs')
      .selectAll()
      .where('key', '=', job.key)
      .where('state', 'in', LIVE)
      .executeTakeFirst();
    if (existing) return { job: toJob(existing), created: false };
  }
  throw new Error(`could not enqueue job with key ${job.key}: it kept changing state`);
}

/** Claims up to `limit` due jobs of a queue for `worker`. PostgreSQL skips rows other processes are claiming. */
export async function claimJobs(
  db: Db,
  kind: StoreKind,
  queue: string,
  limit: number,
  worker: string,
  leaseMs: number,
  now: number,
  skip: readonly number[] = [],
): Promise<Job[]> {
  let due = db
    .selectFrom('jobs')
    .select('id')
    .where('queue', '=', queue)
    .where('state', '=', 'waiting')
    .where('run_at', '<=', now)
    .orderBy('priority')
    .orderBy('run_at')
    .orderBy('id')
    .limit(limit);
  if (skip.length > 0) due = due.where('id', 'not in', skip);
  if (kind === 'postgres') due = due.forUpdate().skipLocked();
  const rows = await db
    .updateTable('jobs')
    .set({ state: 'active', attempts: sql`attempts + 1`, lease_until: now + leaseMs, worker, updated_at: now })
    .where('id', 'in', due)
    .returningAll()
    .execute();
  return rows.map(toJob).sort((a, b) => a.priority - b.priority || a.runAt - b.runAt || a.id - b.id);
}

/** The guard for changes to a running attempt: still active, still ours, still the same attempt. */
function ownAttempt(db: Db, job: Job) {
  return db
    .updateTable('jobs')
    .where('id', '=', job.id)
    .where('state', '=', 'active')
    .where('worker', '=', job.worker)
    .where('attempts', '=', job.attempts);
}

export async function extendLease(db: Db, job: Job, leaseUntil: number, now: number): Promise<boolean> {
  const r = await ownAttempt(db, job).set({ lease_until: leaseUntil, updated_at: now }).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Marks the attempts done that are still ours, in one statement; returns the ids it marked. */
export async function completeJobs(db: Db, jobs: readonly Job[], worker: string, now: number): Promise<Set<number>> {
  if (jobs.length === 0) return new Set();
  const rows = await db
    .updateTable('jobs')
    .set({ state: 'done', lease_until: null, finished_at: now, updated_at: now })
    .where('state', '=', 'active')
    .where('worker', '=', worker)
    .where((eb) => eb.or(jobs.map((j) => eb.and([eb('id', '=', j.id), eb('attempts', '=', j.attempts)]))))
    .returning('id')
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** Ends an attempt that failed: back to waiting at `runAt`, or to a final state. */
export async function failJob(
  db: Db,
  job: Job,
  outcome: { state: 'waiting'; runAt: number; refundAttempt: boolean } | { state: 'failed' | 'dead' },
  error: string,
  now: number,
): Promise<boolean> {
  const set =
    outcome.state === 'waiting'
      ? {
          state: 'waiting' as const,
          run_at: outcome.runAt,
          attempts: outcome.refundAttempt ? sql<number>`attempts - 1` : sql<number>`attempts`,
          lease_until: null,
          worker: null,
          last_error: error,
          updated_at: now,
        }
      : { state: outcome.state, lease_until: null, last_error: error, finished_at: now, updated_at: now };
  const r = await ownAttempt(db, job).set(set).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Jobs whose worker went silent (crash, kill -9, lost machine) go back to waiting, or to dead when out of attempts. */
/**
 * The columns of an active job whose worker is gone, given back: waiting again, or dead when its attempts are spent
 * (the attempt it was on counts: the worker may have done part of it).
 */
export function abandonedJob(now: number, reason: string) {
  return {
    state: sql<JobState>`case when attempts >= max_attempts then 'dead' else 'waiting' end`,
    finished_at: sql<number | null>`case when attempts >= max_attempts then cast(${now} as bigint) else null end`,
    last_error: reason,
    lease_until: null,
    worker: null,
    updated_at: now,
  };
}

export async function releaseExpired(db: Db, now: number): Promise<number> {
  const r = await db
    .updateTable('jobs')
    .set(abandonedJob(now, 'lease expired: its worker stopped answering (crashed or killed)'))
    .where('state', '=', 'active')
    .where('lease_until', '<', now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** A clean stop gives back its running jobs at once, without using up their attempt. */
export async function releaseWorker(db: Db, worker: string, now: number): Promise<number> {
  const r = await db
    .updateTable('jobs')
    .set({
      state: 'waiting',
      attempts: sql`attempts - 1`,
      lease_until: null,
      worker: null,
      run_at: now,
      updated_at: now,
    })
    .where('worker', '=', worker)
    .where('state', '=', 'active')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export function selectJobs(db: Db, filter: JobFilter) {
  let q = db.selectFrom('jobs').selectAll();
  if (filter.ids?.length) q = q.where('id', 'in', filter.ids);
  if (filter.queue) q = q.where('queue', '=', filter.queue);
  if (filter.states?.length) q = q.where('state', 'in', filter.states);
  if (filter.beforeId !== undefined) q = q.where('id', '<', filter.beforeId);
  return q;
}

export async function cancelJob(db: Db, id: number, now: number): Promise<boolean> {
  const r = await db
    .updateTable('jobs')
    .set({ state: 'cancelled', lease_until: null, finished_at: now, updated_at: now })
    .where('id', '=', id)
    .where('state', 'in', LIVE)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Puts one finished job back to waiting with fresh attempts; false if another live job now holds its key. */
export async function requeueJob(db: Db, id: number, now: number): Promise<boolean> {
  try {
    const r = await db
      .updateTable('jobs')
      .set({
        state: 'waiting',
        attempts: 0,
        run_at: now,
        lease_until: null,
        worker: null,
        finished_at: null,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('state', 'not in', LIVE)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}

export async function countJobs(db: Db): Promise<Array<{ queue: string; state: JobState; count: number }>> {
  const rows = await db
    .selectFrom('jobs')
    .select(['queue', 'state', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy(['queue', 'state'])
    .execute();
  return rows.map((r) => ({ queue: r.queue, state: r.state, count: Number(r.count) }));
}

/** Per queue, the run time of the longest-due waiting job. */
export async function oldestDue(db: Db, now: number): Promise<Array<{ queue: string; since: number }>> {
  const rows = await db
    .selectFrom('jobs')
    .select(['queue', (eb) => eb.fn.min<number>('run_at').as('since')])
    .where('state', '=', 'waiting')
    .where('run_at', '<=', now)
    .groupBy('queue')
    .execute();
  return rows.map((r) => ({ queue: r.queue, since: Number(r.since) }));
}

export async function pruneFinished(db: Db, before: number): Promise<number> {
  const r = await db
    .deleteFrom('jobs')
    .where('state', 'in', ['done', 'cancelled'])
    .where('finished_at', '<', before)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
