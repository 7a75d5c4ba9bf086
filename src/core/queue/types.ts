import type { Logger } from 'pino';
import type { Backoff } from '../limits.ts';
import type { Kysely } from 'kysely';
import type { Database, JobState } from '../store/index.ts';

export interface Job<P = unknown> {
  id: number;
  queue: string;
  payload: P;
  key: string | null;
  state: JobState;
  priority: number;
  runAt: number;
  attempts: number;
  maxAttempts: number;
  backoff: Backoff;
  leaseUntil: number | null;
  worker: string | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

export interface EnqueueOptions {
  /** When the job may run (epoch ms or Date); default now. */
  runAt?: number | Date;
  maxAttempts?: number;
  backoff?: Backoff;
  /** Lower runs first; default 0. */
  priority?: number;
  /** A transaction to insert the job in, so it exists only if what it works on was committed with it. */
  within?: Kysely<Database>;
}

export interface HandlerContext<P = unknown> {
  job: Job<P>;
  /** Aborted when the job is cancelled, its lease is lost, or shutdown runs out of time. */
  signal: AbortSignal;
  /** Extends the lease; call it during long work (more often than the lease). */
  heartbeat(): Promise<void>;
  /** How long a lease lasts: heartbeat at a fraction of it. */
  leaseMs: number;
  log: Logger;
}

export type Handler<P = unknown> = (ctx: HandlerContext<P>) => Promise<void>;

export interface WorkOptions {
  concurrency?: number;
  leaseMs?: number;
}

export interface JobFilter {
  ids?: number[];
  queue?: string;
  states?: JobState[];
  /** Only jobs with a smaller id: the next page of a list newest first. */
  beforeId?: number;
}

export type JobOutcome = 'done' | 'retry' | 'failed' | 'dead' | 'lost';
