// The incident store: a finding becomes an incident (or counts on the open one with its fingerprint), its state
// changes are timestamped events and journal lines, and the Retry button and acks are kept on its row.
import { sql } from 'kysely';
import type { Kysely, SqlBool } from 'kysely';
import type { Logger } from '../../core/log.ts';
import { isUniqueViolation, withTables } from '../../core/store/index.ts';
import type { Database, Store } from '../../core/store/index.ts';
import { OPEN_STATES, fingerprint } from '../types.ts';
import type { Finding, IncidentState, Severity } from '../types.ts';
import { checkChange, checkFilter, checkFinding, checkId, checkName, checkState } from './input.ts';
import type { IncidentFilter, StateChange } from './input.ts';
import { Journal, journalLine } from './journal.ts';
import { repairRunsSince } from './repair-runs.ts';
import { OPEN_STATES_SQL, isOpen, toIncident } from './tables.ts';
import type { Incident, IncidentEvent, IncidentTables } from './tables.ts';

export interface IncidentsOptions {
  /** Path of logs/incidents.jsonl; null writes no journal. */
  journal: string | null;
  now?: () => number;
  /** Where a journal that cannot be written is reported (once); stderr without one. */
  log?: Logger;
}

/** Conditions a change must still meet when it is written (another process may have moved the incident). */
interface Guard {
  states?: readonly IncidentState[];
  seenBefore?: number;
}

const OPEN_PREDICATE = sql<SqlBool>`state in ${sql.raw(OPEN_STATES_SQL)}`;
/** States in which no repair runs: an incident there with no news for a while is over. */
const IDLE_STATES: readonly IncidentState[] = ['detected', 'suppressed', 'pending'];
const DEFAULT_LIMIT = 100;
const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export interface Recorded {
  incident: Incident;
  isNew: boolean;
  /** Counted on an open incident whose severity it raised. */
  raised: boolean;
  /** Counted on an incident whose repair held moments ago. */
  held: boolean;
}

export class Incidents {
  readonly db: Kysely<Database & IncidentTables>;
  readonly #now: () => number;
  readonly #journal: Journal;
  readonly #store: Store;

  constructor(store: Store, options: IncidentsOptions) {
    this.db = withTables<IncidentTables>(store);
    this.#store = store;
    this.#now = options.now ?? Date.now;
    this.#journal = new Journal(options.journal, options.log ?? null);
  }

  /**
   * An open incident with the finding's fingerprint counts it (count+1, last_seen, message, severity); else, when
   * `heldWithinMs` is given, a repeat that comes that soon after a repair of the fingerprint held counts on that
   * solved incident (`held`: the line was written before the repair, or the repair holds); else a new incident in
   * 'detected'. `raised`: the count made the incident more severe (a disk going from low to critical), which is
   * news. Safe when two processes record at once (unique open fingerprint). Repeats never take a new id.
   */
  async record(finding: Finding, options: { heldWithinMs?: number } = {}): Promise<Recorded> {
    const f = checkFinding(finding);
    const now = this.#now();
    const key = fingerprint(f.rule, f.target);
    const open = await this.db
      .selectFrom('incidents')
      .select(['id', 'severity', 'state'])
      .where('fingerprint', '=', key)
      .where('state', 'in', OPEN_STATES)
      .executeTakeFirst();
    if (open) {
      const counted = await this.#count(Number(open.id), f, now, OPEN_STATES, true);
      if (counted)
        return { incident: counted, isNew: false, raised: RANK[counted.severity] > RANK[open.severity], held: false };
    }
    const heldWithinMs = options.heldWithinMs ?? 0;
    if (!open && heldWithinMs > 0) {
      const solved = await this.db
        .selectFrom('incidents')
        .select('id')
        .where('fingerprint', '=', key)
        .where('state', '=', 'solved')
        .where('resolved_at', '>=', now - heldWithinMs)
        .orderBy('id', 'desc')
        .executeTakeFirst();
      const counted = solved ? await this.#count(Number(solved.id), f, now, ['solved'], false) : null;
      if (counted) return { incident: counted, isNew: false, raised: false, held: true };
    }
    // One statement when none is open: the partial unique index on open fingerprints turns a racing insert into a count.
    const row = await this.db
      .insertInto('incidents')
      .values({
        fingerprint: key,
        rule: f.rule,
        target: f.target,
        error_type: f.errorType,
        severity: f.severity,
        state: 'detected',
        message: f.message,
        fields: JSON.stringify(f.fields),
        action: f.action?.type ?? null,
        attempt: 0,
        max_attempts: f.action?.attempts ?? 0,
        count: 1,
        first_seen: now,
        last_seen: now,
        state_changed_at: now,
        resolved_at: null,
        acked_by: null,
        acked_at: null,
        retry_requested: 0,
      })
      .onConflict((oc) =>
        oc
          .column('fingerprint')
          .where(OPEN_PREDICATE)
          .doUpdateSet((eb) => ({
            count: eb('incidents.count', '+', 1),
            last_seen: eb.ref('excluded.last_seen'),
            message: eb.ref('excluded.message'),
            fields: eb.ref('excluded.fields'),
            error_type: eb.ref('excluded.error_type'),
            severity: eb.ref('excluded.severity'),
          })),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    const incident = toIncident(row);
    const isNew = incident.count === 1;
    if (isNew) await this.#changed(incident, now, incident.message);
    return { incident, isNew, raised: false, held: false };
  }

  /**
   * count+1 on an incident still in one of `states`. When `describe`, the finding's text replaces the old one unless a
   * repair has spoken (pending: failed, refused, holding: its message says why) and the finding is no news (same
   * severity). Decided in the statement itself: a repair may set its verdict between our read and this write.
   */
  async #count(
    id: number,
    f: ReturnType<typeof checkFinding>,
    now: number,
    states: readonly IncidentState[],
    describe: boolean,
  ): Promise<Incident | null> {
    const row = await this.db
      .updateTable('incidents')
      // The latest finding describes the problem now (a disk going from low to critical keeps its incident).
      .set((eb) => {
        const news = eb.or([eb('state', 'in', ['detected', 'retrying']), eb('severity', '!=', f.severity)]);
        const fresh = <T extends 'message' | 'fields' | 'error_type'>(column: T, value: string) =>
          eb.case().when(news).then(value).else(eb.ref(column)).end();
        return {
          count: eb('count', '+', 1),
          last_seen: now,
          ...(describe
            ? {
                message: fresh('message', f.message),
                fields: fresh('fields', JSON.stringify(f.fields)),
                error_type: fresh('error_type', f.errorType),
                severity: f.severity,
              }
            : {}),
        };
      })
      .where('id', '=', id)
      .where('state', 'in', states)
      .returningAll()
      .executeTakeFirst();
    return row ? toIncident(row) : null;
  }

  /** Moves an incident to a state with a timestamped event and a journal line. */
  async setState(
    id: number,
    state: IncidentState,
    change?: { attempt?: number; maxAttempts?: number; action?: string; message?: string },
  ): Promise<Incident> {
    const incident = await this.#transition(checkId(id), checkState(state), checkChange(change), {});
    if (!incident) throw new Error(`incident #${id} does not exist: list incidents with \`centinela incidents\``);
    return incident;
  }

  /** The open incident of rule+target → solved (returns it), or null if none is open. */
  async resolve(rule: string, target: string): Promise<Incident | null> {
    const open = await this.db
      .selectFrom('incidents')
      .select('id')
      .where('fingerprint', '=', fingerprint(rule, target))
      .where('state', 'in', OPEN_STATES)
      .executeTakeFirst();
    if (!open) return null;
    return this.#transition(Number(open.id), 'solved', {}, { states: OPEN_STATES });
  }

  /** Repairs of a target begun since `since` (see repair-runs.ts). */
  async repairRunsSince(target: string, since: number): Promise<number> {
    return (await repairRunsSince(this.#store, since, target))[0]?.repairs ?? 0;
  }

  async get(id: number): Promise<Incident | null> {
    const row = await this.db.selectFrom('incidents').selectAll().where('id', '=', checkId(id)).executeTakeFirst();
    return row ? toIncident(row) : null;
  }

  /** Newest first (by last seen). */
  async list(filter?: IncidentFilter): Promise<Incident[]> {
    const f = checkFilter(filter);
    let q = this.db.selectFrom('incidents').selectAll();
    if (f.open) q = q.where('state', 'in', OPEN_STATES);
    if (f.type) q = q.where('error_type', '=', f.type);
    const rows = await q
      .orderBy('last_seen', 'desc')
      .orderBy('id', 'desc')
      .limit(f.limit ?? DEFAULT_LIMIT)
      .offset(f.offset ?? 0)
      .execute();
    return rows.map(toIncident);
  }

  /** Per error type: how many incidents (count) and how many of them are open, most incidents first. */
  async countsByType(filter?: { open?: boolean }): Promise<Array<{ errorType: string; count: number; open: number }>> {
    const f = checkFilter(filter);
    let q = this.db
      .selectFrom('incidents')
      .select((eb) => [
        'error_type',
        eb.fn.countAll<number>().as('count'),
        sql<number>`sum(case when ${OPEN_PREDICATE} then 1 else 0 end)`.as('open'),
      ])
      .groupBy('error_type');
    if (f.open) q = q.where('state', 'in', OPEN_STATES);
    const rows = await q.execute();
    return rows
      .map((r) => ({ errorType: r.error_type, count: Number(r.count), open: Number(r.open) }))
      .sort((a, b) => b.count - a.count || a.errorType.localeCompare(b.errorType));
  }

  /** State changes (and acks, retry presses) of an incident, oldest first. */
  async events(id: number): Promise<IncidentEvent[]> {
    const rows = await this.db
      .selectFrom('incident_events')
      .select(['at', 'state', 'detail'])
      .where('incident_id', '=', checkId(id))
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ at: Number(r.at), state: r.state, detail: r.detail }));
  }

  /** Acked incidents get no reminders. */
  async ack(id: number, by: string): Promise<Incident | null> {
    const who = checkName(by, 'acknowledged it');
    const now = this.#now();
    const row = await this.db
      .updateTable('incidents')
      .set({ acked_by: who, acked_at: now })
      .where('id', '=', checkId(id))
      .returningAll()
      .executeTakeFirst();
    if (!row) return null;
    const incident = toIncident(row);
    await this.#event(incident.id, now, incident.state, `acknowledged by ${who}`);
    return incident;
  }

  /** The Retry button: marks it; the engine takes the mark (takeRetryRequests) and runs the repair again. */
  async requestRetry(id: number): Promise<Incident | null> {
    const row = await this.db
      .updateTable('incidents')
      .set({ retry_requested: 1 })
      .where('id', '=', checkId(id))
      .returningAll()
      .executeTakeFirst();
    if (!row) return null;
    const incident = toIncident(row);
    await this.#event(incident.id, this.#now(), incident.state, 'retry requested');
    return incident;
  }

  /** Incidents whose Retry was pressed, clearing the marks in the same statement: one process gets each. */
  async takeRetryRequests(): Promise<Incident[]> {
    const rows = await this.db
      .updateTable('incidents')
      .set({ retry_requested: 0 })
      .where('retry_requested', '=', 1)
      .returningAll()
      .execute();
    return rows.map(toIncident).sort((a, b) => a.id - b.id);
  }

  async open(): Promise<Incident[]> {
    const rows = await this.db
      .selectFrom('incidents')
      .selectAll()
      .where('state', 'in', OPEN_STATES)
      .orderBy('id')
      .execute();
    return rows.map(toIncident);
  }

  /** Open incidents with no repair and no news for `quietMs` → solved (log-rule incidents have no check to resolve them). */
  async resolveQuiet(quietMs: number, exceptRules: readonly string[] = []): Promise<Incident[]> {
    if (!Number.isFinite(quietMs) || quietMs <= 0)
      throw new Error(`resolveQuiet: quietMs must be a positive number of milliseconds, not ${quietMs}`);
    const cutoff = this.#now() - quietMs;
    let q = this.db
      .selectFrom('incidents')
      .select('id')
      .where('state', 'in', IDLE_STATES)
      .where('last_seen', '<', cutoff)
      .where('state_changed_at', '<', cutoff);
    if (exceptRules.length > 0) q = q.where('rule', 'not in', exceptRules);
    const quiet = await q.orderBy('id').execute();
    const solved: Incident[] = [];
    for (const { id } of quiet) {
      const detail = `no new occurrence for ${Math.round(quietMs / 60_000)} min`;
      const incident = await this.#transition(
        Number(id),
        'solved',
        {},
        { states: IDLE_STATES, seenBefore: cutoff },
        detail,
      );
      if (incident) solved.push(incident);
    }
    return solved;
  }

  /** Writes a state change if the guard still holds; null when the incident is gone or moved on. */
  async #transition(
    id: number,
    state: IncidentState,
    change: StateChange,
    guard: Guard,
    detail?: string,
  ): Promise<Incident | null> {
    const now = this.#now();
    const closing = !isOpen(state);
    let q = this.db
      .updateTable('incidents')
      .set({
        state,
        state_changed_at: now,
        resolved_at: closing ? now : null,
        ...(state === 'solved' ? { retry_requested: 0 } : {}),
        ...(change.attempt !== undefined ? { attempt: change.attempt } : {}),
        ...(change.maxAttempts !== undefined ? { max_attempts: change.maxAttempts } : {}),
        ...(change.action !== undefined ? { action: change.action } : {}),
        ...(change.message !== undefined ? { message: change.message } : {}),
      })
      .where('id', '=', id);
    if (guard.states) q = q.where('state', 'in', guard.states);
    if (guard.seenBefore !== undefined) q = q.where('last_seen', '<', guard.seenBefore);
    const row = await q
      .returningAll()
      .executeTakeFirst()
      .catch((err: unknown) => {
        if (!isUniqueViolation(err)) throw err;
        throw new Error(
          `incident #${id} cannot be reopened as ${state}: another incident with its fingerprint is open; work on that one (centinela incidents --open)`,
        );
      });
    if (!row) return null;
    const incident = toIncident(row);
    await this.#changed(incident, now, detail ?? describeChange(change));
    return incident;
  }

  async #changed(incident: Incident, at: number, detail: string | null): Promise<void> {
    await this.#event(incident.id, at, incident.state, detail);
    await this.#journal.append(journalLine(incident, at));
  }

  async #event(incidentId: number, at: number, state: IncidentState, detail: string | null): Promise<void> {
    await this.db.insertInto('incident_events').values({ incident_id: incidentId, at, state, detail }).execute();
  }
}

/** The event's detail: what the change said (action, attempt n/max, outcome). */
function describeChange(change: StateChange): string | null {
  const parts: string[] = [];
  if (change.action) parts.push(change.action);
  if (change.attempt !== undefined)
    parts.push(`attempt ${change.attempt}${change.maxAttempts ? `/${change.maxAttempts}` : ''}`);
  const head = parts.join(' ');
  if (change.message) return head ? `${head}: ${change.message}` : change.message;
  return head || null;
}
