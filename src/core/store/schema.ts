// Table types for Kysely. Times are integer epoch milliseconds on both stores (one clock, one comparison).
import type { Generated } from 'kysely';

export type JobState = 'waiting' | 'active' | 'done' | 'failed' | 'dead' | 'cancelled';
export const JOB_STATES: readonly JobState[] = ['waiting', 'active', 'done', 'failed', 'dead', 'cancelled'];

export interface JobsTable {
  id: Generated<number>;
  queue: string;
  /** JSON text: the same column type on SQLite and PostgreSQL. */
  payload: string;
  /** Dedup key: unique among jobs that are waiting or active. */
  key: string | null;
  state: JobState;
  /** Lower runs first, as in Solid Queue. */
  priority: number;
  run_at: number;
  attempts: number;
  max_attempts: number;
  backoff_base_ms: number;
  backoff_cap_ms: number;
  lease_until: number | null;
  worker: string | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

export interface SchedulesTable {
  name: string;
  queue: string;
  cron: string;
  tz: string | null;
  payload: string;
  next_run_at: number;
  updated_at: number;
}

/** One row per running module or worker process; a stale one is a dead or stuck process. */
export interface HeartbeatsTable {
  id: string;
  module: string;
  host: string;
  pid: number;
  state: string;
  detail: string | null;
  started_at: number;
  beat_at: number;
}

/** A role one process holds at a time (core/lease.ts). */
export interface LeasesTable {
  name: string;
  holder: string;
  host: string;
  pid: number;
  acquired_at: number;
  expires_at: number;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: number;
}

export interface Database {
  jobs: JobsTable;
  schedules: SchedulesTable;
  heartbeats: HeartbeatsTable;
  settings: SettingsTable;
  leases: LeasesTable;
}
