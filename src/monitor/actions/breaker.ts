// The circuit breaker per target: more than maxRepairs repairs within windowMs stops repairing that target, and it
// stays stopped (whatever the window says) until the target has been healthy for healthyForMs: a check saw it
// healthy that long, or no problem was seen on it for that long (log targets such as paths and job ids have no
// check to say they are healthy).
import type { Kysely } from 'kysely';
import { withTables } from '../../core/store/index.ts';
import type { Database, Store } from '../../core/store/index.ts';
import type { RepairTables } from './migration.ts';
import { formatDuration } from '../../core/format.ts';

export interface BreakerSettings {
  maxRepairs: number;
  windowMs: number;
  healthyForMs: number;
}

export type Claim = { ok: true } | { ok: false; detail: string };

export class Breaker {
  readonly #db: Kysely<Database & RepairTables>;
  readonly #s: BreakerSettings;
  readonly #now: () => number;

  constructor(store: Store, settings: BreakerSettings, now: () => number) {
    this.#db = withTables<RepairTables>(store);
    this.#s = settings;
    this.#now = now;
  }

  /** A problem was seen on the target, so it is not healthy now. Returns why repairs are stopped, or null. */
  async problem(target: string): Promise<string | null> {
    const openedAt = await unhealthy(this.#db, target, this.#now(), this.#s.healthyForMs);
    return openedAt === null ? null : this.#openText(target, openedAt, false);
  }

  /** Counts a repair that is about to run; or, when the budget of the window is spent, stops repairs of the target. */
  async claim(target: string, action: string): Promise<Claim> {
    const now = this.#now();
    const since = now - this.#s.windowMs;
    return this.#db.transaction().execute(async (trx) => {
      // The upsert comes first: it locks the target's row (PostgreSQL) or takes the write lock (SQLite), so two
      // processes cannot both take the last repair of the budget.
      const openedAt = await unhealthy(trx, target, now, this.#s.healthyForMs);
      if (openedAt !== null) return { ok: false, detail: this.#openText(target, openedAt, false) };
      const counted = await trx
        .selectFrom('monitor_repairs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('target', '=', target)
        .where('at', '>', since)
        .executeTakeFirstOrThrow();
      if (Number(counted.n) >= this.#s.maxRepairs) {
        await trx
          .updateTable('monitor_breakers')
          .set({ opened_at: now, updated_at: now })
          .where('target', '=', target)
          .execute();
        return { ok: false, detail: this.#openText(target, now, true) };
      }
      // Repairs older than the window no longer count (the open state, not the log, is what stays); a closed
      // target untouched for a whole window has nothing left to count (log targets such as job ids never heal).
      await trx.deleteFrom('monitor_repairs').where('at', '<=', since).execute();
      await trx.deleteFrom('monitor_breakers').where('opened_at', 'is', null).where('updated_at', '<', since).execute();
      await trx.insertInto('monitor_repairs').values({ target, action, at: now }).execute();
      return { ok: true };
    });
  }

  /** The target is healthy now: the first call starts its healthy period; a call after healthyForMs resets its count. */
  async healthy(target: string): Promise<void> {
    const now = this.#now();
    const row = await this.#db
      .selectFrom('monitor_breakers')
      .select(['healthy_since'])
      .where('target', '=', target)
      .executeTakeFirst();
    if (!row) return; // never repaired, or reset already: nothing to remember
    if (row.healthy_since === null) {
      await this.#db
        .updateTable('monitor_breakers')
        .set({ healthy_since: now, updated_at: now })
        .where('target', '=', target)
        .where('healthy_since', 'is', null)
        .execute();
      return;
    }
    if (now - row.healthy_since < this.#s.healthyForMs) return;
    await this.#db.transaction().execute(async (trx) => {
      // Guarded by healthy_since: a problem seen meanwhile (which cleared it) keeps the count.
      const gone = await trx
        .deleteFrom('monitor_breakers')
        .where('target', '=', target)
        .where('healthy_since', '=', row.healthy_since)
        .executeTakeFirst();
      if (Number(gone.numDeletedRows) === 1)
        await trx.deleteFrom('monitor_repairs').where('target', '=', target).execute();
    });
  }

  #openText(target: string, openedAt: number, now: boolean): string {
    const s = this.#s;
    const when = now ? 'stopped now' : `stopped since ${new Date(openedAt).toISOString()}`;
    return `repairs of ${target} ${when}: more than ${s.maxRepairs} within ${formatDuration(s.windowMs)}; they resume once it has stayed healthy for ${formatDuration(s.healthyForMs)}`;
  }
}

/**
 * Upserts the target's row as not healthy (its healthy period starts over); when its repairs were stopped, or null.
 * updated_at is when a problem was last seen (or its healthy period began): a stopped target quiet for healthyForMs
 * starts over with a fresh budget.
 */
async function unhealthy(
  db: Kysely<Database & RepairTables>,
  target: string,
  now: number,
  healthyForMs: number,
): Promise<number | null> {
  const before = await db
    .selectFrom('monitor_breakers')
    .select(['opened_at', 'updated_at'])
    .where('target', '=', target)
    .executeTakeFirst();
  if (before && before.opened_at !== null && now - Number(before.updated_at) >= healthyForMs) {
    await db
      .deleteFrom('monitor_breakers')
      .where('target', '=', target)
      .where('updated_at', '=', before.updated_at)
      .execute();
    await db.deleteFrom('monitor_repairs').where('target', '=', target).execute();
  }
  const row = await db
    .insertInto('monitor_breakers')
    .values({ target, opened_at: null, healthy_since: null, updated_at: now })
    .onConflict((oc) => oc.column('target').doUpdateSet({ healthy_since: null, updated_at: now }))
    .returning('opened_at')
    .executeTakeFirstOrThrow();
  return row.opened_at;
}
