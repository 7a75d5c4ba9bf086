// Silences: an admin mutes the news of a rule or an error type for a while (/silence, the Silence 1 h button).
// They live in the store, so a restart or another process sees them.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { withTables } from '../../core/store/index.ts';
import type { Database, Store } from '../../core/store/index.ts';
import type { Incident } from '../incidents/index.ts';
import type { AlertTables } from './tables.ts';

export interface Silence {
  id: number;
  matcher: string;
  until: number;
  reason: string;
  by: string;
  createdAt: number;
}

const MAX_SILENCE_MS = 366 * 24 * 3_600_000;
/** Expired silences are kept this long (for a look back), then dropped when a new one is added. */
const KEEP_EXPIRED_MS = 30 * 24 * 3_600_000;

const newSilenceSchema = z.object({
  matcher: z
    .string()
    .trim()
    .min(1, 'say what to silence: a rule id or an error type')
    .max(200)
    .regex(/^[\w.:@/-]+$/, 'a rule id or an error type is one word (letters, digits, _ . : @ / -)'),
  durationMs: z
    .number()
    .int('the duration is whole milliseconds')
    .positive('the duration must be longer than zero')
    .max(MAX_SILENCE_MS, 'a silence lasts at most a year; add it again later'),
  reason: z.string().trim().max(500, 'the reason is at most 500 characters'),
  by: z.string().trim().min(1, 'say who adds the silence').max(200),
});

export class Silences {
  readonly #db: Kysely<Database & AlertTables>;
  readonly #now: () => number;

  constructor(store: Store, options: { now?: () => number } = {}) {
    this.#db = withTables<AlertTables>(store);
    this.#now = options.now ?? Date.now;
  }

  /** matcher: a rule id or an error_type. */
  async add(s: { matcher: string; durationMs: number; reason: string; by: string }): Promise<Silence> {
    const parsed = newSilenceSchema.safeParse(s);
    if (!parsed.success)
      throw new Error(`silence: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const { matcher, durationMs, reason, by } = parsed.data;
    const now = this.#now();
    await this.#db
      .deleteFrom('silences')
      .where('until', '<', now - KEEP_EXPIRED_MS)
      .execute();
    const row = await this.#db
      .insertInto('silences')
      .values({ matcher, until: now + durationMs, reason, created_by: by, created_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toSilence(row);
  }

  /** The active ones, ending soonest first. */
  async list(): Promise<Silence[]> {
    const rows = await this.#db
      .selectFrom('silences')
      .selectAll()
      .where('until', '>', this.#now())
      .orderBy('until')
      .orderBy('id')
      .execute();
    return rows.map(toSilence);
  }

  /** Ends active silences by id (`3` or `#3`) or by matcher; how many ended. */
  async remove(idOrMatcher: string): Promise<number> {
    const key = idOrMatcher.trim().replace(/^#(?=\d+$)/, '');
    if (!key) throw new Error('unsilence: say which silence to end: its id (from /silences) or its rule or error type');
    let q = this.#db.deleteFrom('silences').where('until', '>', this.#now());
    q = /^\d+$/.test(key) ? q.where('id', '=', Number(key)) : q.where('matcher', '=', key);
    const result = await q.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** The active silence that mutes this incident (by its rule or its error type), the longest first; or null. */
  async covering(incident: Incident): Promise<Silence | null> {
    const row = await this.#db
      .selectFrom('silences')
      .selectAll()
      .where('until', '>', this.#now())
      .where('matcher', 'in', [incident.rule, incident.errorType])
      .orderBy('until', 'desc')
      .executeTakeFirst();
    return row ? toSilence(row) : null;
  }
}

function toSilence(r: {
  id: number;
  matcher: string;
  until: number;
  reason: string;
  created_by: string;
  created_at: number;
}): Silence {
  return {
    id: Number(r.id),
    matcher: r.matcher,
    until: Number(r.until),
    reason: r.reason,
    by: r.created_by,
    createdAt: Number(r.created_at),
  };
}
