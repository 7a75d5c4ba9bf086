// The alert_notices table: news queued by notify(), claimed by one flush with a conditional update (several
// processes may flush), then marked sent or muted; and the reads a flush needs about incidents.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { withTables } from '../../core/store/index.ts';
import type { Database, Store } from '../../core/store/index.ts';
import { toIncident } from '../incidents/index.ts';
import type { Incident, IncidentTables } from '../incidents/index.ts';
import { OPEN_STATES } from '../types.ts';
import type { Severity } from '../types.ts';
import { INHIBITING_TYPES } from './inhibit.ts';
import type { AlertTables, NoticeEvent, NoticeState } from './tables.ts';

export interface Notice {
  id: number;
  incidentId: number;
  event: NoticeEvent;
  severity: Severity;
}

export interface ReminderCandidate {
  incident: Incident;
  /** The last notice sent or muted about it: the reminder follows that one (its dedup key names it). */
  lastNoticeId: number;
  /** When that notice was sent or muted: the repeat counts from then. */
  lastNoticeAt: number;
}

/** A claim whose flush died (crash mid-send) is given back after this long. */
export const CLAIM_LEASE_MS = 2 * 60_000;

export class NoticeRecords {
  readonly #db: Kysely<Database & AlertTables & IncidentTables>;

  constructor(store: Store) {
    this.#db = withTables<AlertTables & IncidentTables>(store);
  }

  /** Queues news; the same dedup key twice queues it once. */
  async queue(n: {
    incidentId: number;
    event: NoticeEvent;
    severity: Severity;
    dedupKey: string;
    now: number;
  }): Promise<void> {
    await this.#db
      .insertInto('alert_notices')
      .values({
        incident_id: n.incidentId,
        event: n.event,
        severity: n.severity,
        dedup_key: n.dedupKey,
        state: 'queued',
        created_at: n.now,
      })
      .onConflict((oc) => oc.column('dedup_key').doNothing())
      .execute();
  }

  /** Gives back claims older than the lease: reminders are dropped (made again), other news is queued again. */
  async releaseStale(now: number): Promise<void> {
    const before = now - CLAIM_LEASE_MS;
    await this.#db
      .deleteFrom('alert_notices')
      .where('state', '=', 'sending')
      .where('event', '=', 'reminder')
      .where('claimed_at', '<', before)
      .execute();
    await this.#db
      .updateTable('alert_notices')
      .set({ state: 'queued', claim: null, claimed_at: null })
      .where('state', '=', 'sending')
      .where('claimed_at', '<', before)
      .execute();
  }

  /** Gives back one claim at once (its message could not be queued). */
  async release(claim: string): Promise<void> {
    await this.#db
      .deleteFrom('alert_notices')
      .where('claim', '=', claim)
      .where('state', '=', 'sending')
      .where('event', '=', 'reminder')
      .execute();
    await this.#db
      .updateTable('alert_notices')
      .set({ state: 'queued', claim: null, claimed_at: null })
      .where('claim', '=', claim)
      .where('state', '=', 'sending')
      .execute();
  }

  async oldestQueuedAt(): Promise<number | null> {
    const row = await this.#db
      .selectFrom('alert_notices')
      .select((eb) => eb.fn.min<number | null>('created_at').as('oldest'))
      .where('state', '=', 'queued')
      .executeTakeFirst();
    return row?.oldest === null || row?.oldest === undefined ? null : Number(row.oldest);
  }

  /** Claims every queued notice in one conditional update: a notice goes to exactly one flush. */
  async claimQueued(now: number): Promise<{ claim: string; notices: Notice[] }> {
    const claim = randomUUID();
    const rows = await this.#db
      .updateTable('alert_notices')
      .set({ state: 'sending', claim, claimed_at: now })
      .where('state', '=', 'queued')
      .returning(['id', 'incident_id', 'event', 'severity'])
      .execute();
    const notices = rows.map((r) => ({
      id: Number(r.id),
      incidentId: Number(r.incident_id),
      event: r.event,
      severity: r.severity,
    }));
    return { claim, notices: notices.sort((a, b) => a.id - b.id) };
  }

  /** Claims a reminder: the first flush to insert its key gets it. Null when another flush did. */
  async claimReminder(c: ReminderCandidate, claim: string, now: number): Promise<Notice | null> {
    const row = await this.#db
      .insertInto('alert_notices')
      .values({
        incident_id: c.incident.id,
        event: 'reminder',
        severity: c.incident.severity,
        dedup_key: `${c.incident.id}:reminder:${c.lastNoticeId}`,
        state: 'sending',
        claim,
        created_at: now,
        claimed_at: now,
      })
      .onConflict((oc) => oc.column('dedup_key').doNothing())
      .returning(['id'])
      .executeTakeFirst();
    return row
      ? { id: Number(row.id), incidentId: c.incident.id, event: 'reminder', severity: c.incident.severity }
      : null;
  }

  async finish(
    claim: string,
    ids: readonly number[],
    state: NoticeState,
    reason: string | null,
    now: number,
  ): Promise<void> {
    if (ids.length === 0) return;
    await this.#db
      .updateTable('alert_notices')
      .set({ state, muted_reason: reason, done_at: now })
      .where('claim', '=', claim)
      .where('id', 'in', ids)
      .execute();
  }

  async incidents(ids: readonly number[]): Promise<Map<number, Incident>> {
    if (ids.length === 0) return new Map();
    const rows = await this.#db
      .selectFrom('incidents')
      .selectAll()
      .where('id', 'in', [...new Set(ids)])
      .execute();
    return new Map(rows.map((r) => [Number(r.id), toIncident(r)]));
  }

  /** Open incidents that can inhibit others (bot_api_down, disk_critical, …). */
  async openInhibitors(): Promise<Incident[]> {
    const rows = await this.#db
      .selectFrom('incidents')
      .selectAll()
      .where('state', 'in', OPEN_STATES)
      .where('error_type', 'in', INHIBITING_TYPES)
      .execute();
    return rows.map(toIncident);
  }

  /** Of these incidents, those the admins were already told about (a fired, failed or reminder notice was sent). */
  async announced(ids: readonly number[]): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const rows = await this.#db
      .selectFrom('alert_notices')
      .select('incident_id')
      .distinct()
      .where('incident_id', 'in', [...new Set(ids)])
      .where('state', '=', 'sent')
      .where('event', 'in', ['fired', 'failed', 'reminder'])
      .execute();
    return new Set(rows.map((r) => Number(r.incident_id)));
  }

  /**
   * Open, un-acked warning or critical incidents already announced (or muted) whose last notice is at least
   * `minAgeMs` old, with no news of them waiting: those a reminder may be due for.
   */
  async reminderCandidates(now: number, minAgeMs: number): Promise<ReminderCandidate[]> {
    const rows = await this.#db
      .selectFrom('incidents as i')
      .innerJoin(
        (eb) =>
          eb
            .selectFrom('alert_notices')
            .select((e) => [
              'incident_id',
              e.fn.max<number>('id').as('last_id'),
              e.fn.max<number>('done_at').as('last_at'),
            ])
            .where('state', 'in', ['sent', 'muted'])
            .groupBy('incident_id')
            .as('n'),
        (join) => join.onRef('n.incident_id', '=', 'i.id'),
      )
      .selectAll('i')
      .select(['n.last_id', 'n.last_at'])
      .where('i.state', 'in', OPEN_STATES)
      .where('i.acked_by', 'is', null)
      .where('i.severity', 'in', ['warning', 'critical'])
      .where('n.last_at', '<=', now - minAgeMs)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('alert_notices as q')
              .select('q.id')
              .whereRef('q.incident_id', '=', 'i.id')
              .where('q.state', 'in', ['queued', 'sending']),
          ),
        ),
      )
      .orderBy('i.id')
      .execute();
    return rows.map(({ last_id, last_at, ...row }) => ({
      incident: toIncident(row),
      lastNoticeId: Number(last_id),
      lastNoticeAt: Number(last_at),
    }));
  }
}
