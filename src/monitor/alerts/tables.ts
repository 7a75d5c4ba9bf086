// The alert tables as Kysely sees them (created with the incidents by migration 0510_monitor_incidents).
import type { Generated } from 'kysely';
import type { Severity } from '../types.ts';

export interface SilencesTable {
  id: Generated<number>;
  /** A rule id or an error type. */
  matcher: string;
  until: number;
  reason: string;
  created_by: string;
  created_at: number;
}

/** 'fired' | 'failed' | 'resolved' come from notify(); 'reminder' is made by flush(). */
export type NoticeEvent = 'fired' | 'failed' | 'resolved' | 'reminder';

/** queued → sending (claimed by one flush) → sent | muted (silenced, inhibited, acked or never announced). */
export type NoticeState = 'queued' | 'sending' | 'sent' | 'muted';

export interface AlertNoticesTable {
  id: Generated<number>;
  incident_id: number;
  event: NoticeEvent;
  /** The severity the caller gave (the engine raises a broken repair to critical). */
  severity: Severity;
  /** Unique: the same news about an incident is queued once, however often it is reported. */
  dedup_key: string;
  state: NoticeState;
  muted_reason: string | null;
  /** The flush that claimed it: only that flush may finish it. */
  claim: string | null;
  created_at: number;
  claimed_at: number | null;
  done_at: number | null;
}

export interface AlertTables {
  silences: SilencesTable;
  alert_notices: AlertNoticesTable;
}
