// The incident tables as Kysely sees them (created by migration 0510_monitor_incidents), and the mapping from a
// row to the Incident callers get. Times are epoch milliseconds; booleans are 0/1 integers on both stores.
import type { Generated, Selectable } from 'kysely';
import { z } from 'zod';
import { OPEN_STATES } from '../types.ts';
import type { IncidentState, Severity } from '../types.ts';

export interface IncidentsTable {
  id: Generated<number>;
  /** rule|target: unique among open incidents (a partial unique index), so two processes share one incident. */
  fingerprint: string;
  rule: string;
  target: string;
  error_type: string;
  severity: Severity;
  state: IncidentState;
  message: string;
  /** JSON object of string fields (model, video, path, job_id, …). */
  fields: string;
  action: string | null;
  attempt: number;
  max_attempts: number;
  count: number;
  first_seen: number;
  last_seen: number;
  state_changed_at: number;
  resolved_at: number | null;
  acked_by: string | null;
  acked_at: number | null;
  /** 1 when the Retry button was pressed and the engine has not taken it yet. */
  retry_requested: number;
}

export interface IncidentEventsTable {
  id: Generated<number>;
  incident_id: number;
  at: number;
  state: IncidentState;
  detail: string | null;
}

export interface IncidentTables {
  incidents: IncidentsTable;
  incident_events: IncidentEventsTable;
}

export type IncidentRow = Selectable<IncidentsTable>;

export interface Incident {
  id: number;
  fingerprint: string;
  rule: string;
  target: string;
  errorType: string;
  severity: Severity;
  state: IncidentState;
  message: string;
  fields: Record<string, string>;
  action: string | null;
  attempt: number;
  maxAttempts: number;
  count: number;
  firstSeen: number;
  lastSeen: number;
  stateChangedAt: number;
  resolvedAt: number | null;
  ackedBy: string | null;
  ackedAt: number | null;
  retryRequested: boolean;
}

export interface IncidentEvent {
  at: number;
  state: IncidentState;
  detail: string | null;
}

/** The open states as a SQL list of literals: the partial index and the upsert's conflict target must match it. */
export const OPEN_STATES_SQL = `(${OPEN_STATES.map((s) => `'${s}'`).join(', ')})`;

export function isOpen(state: IncidentState): boolean {
  return OPEN_STATES.includes(state);
}

const fieldsSchema = z.record(z.string(), z.string());

/** A row's fields column; a value another writer mangled reads as no fields rather than failing the listing. */
export function parseFields(text: string): Record<string, string> {
  try {
    const parsed = fieldsSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

export function toIncident(r: IncidentRow): Incident {
  return {
    id: Number(r.id),
    fingerprint: r.fingerprint,
    rule: r.rule,
    target: r.target,
    errorType: r.error_type,
    severity: r.severity,
    state: r.state,
    message: r.message,
    fields: parseFields(r.fields),
    action: r.action,
    attempt: Number(r.attempt),
    maxAttempts: Number(r.max_attempts),
    count: Number(r.count),
    firstSeen: Number(r.first_seen),
    lastSeen: Number(r.last_seen),
    stateChangedAt: Number(r.state_changed_at),
    resolvedAt: r.resolved_at === null ? null : Number(r.resolved_at),
    ackedBy: r.acked_by,
    ackedAt: r.acked_at === null ? null : Number(r.acked_at),
    retryRequested: Number(r.retry_requested) === 1,
  };
}
