// Posts and their history. A change of state is one compare-and-set (`update … where id = ? and state in (…)`)
// with its history row in the same transaction: two workers, or a worker and an admin's button, never both move a
// post, and the loser learns it from the answer (false) instead of overwriting the winner.
import { sql } from 'kysely';
import type { Kysely, Updateable } from 'kysely';
import { isUniqueViolation, withTables } from '../../../core/store/index.ts';
import type { Database, Store } from '../../../core/store/index.ts';
import { SLOT_STATES } from './table.ts';
import type { Post, PostHistoryRow, PostState, PostTables, PostsTable } from './table.ts';

type PostsDb = Kysely<Database & PostTables>;

export interface NewPost {
  fileId: number;
  creator: string;
  target: string;
  caption?: string | null;
  captionFromTemplate?: boolean;
  state?: PostState;
  plannedAt?: number | null;
}

/** What a transition may change besides the state. */
export interface PostChanges {
  caption?: string | null;
  captionFromTemplate?: boolean;
  /** Cost.amount of the caption (USD). */
  captionCost?: string | null;
  plannedAt?: number | null;
  target?: string;
  messageId?: number | null;
  lastError?: string | null;
  /** Count one more publish call. */
  countAttempt?: boolean;
  /** Move only if the caption is still this one (an approval or an edit is of the caption the admin saw). */
  ifCaption?: string | null;
}

/** The last plan of each creator in this process (SQLite), which the next one waits for. */
const planning = new Map<string, Promise<void>>();

export class PostRecords {
  readonly db: PostsDb;
  readonly #now: () => number;
  readonly #kind: Store['kind'];

  constructor(store: Store, now: () => number = Date.now) {
    this.db = withTables<PostTables>(store);
    this.#now = now;
    this.#kind = store.kind;
  }

  /**
   * Runs `fn` (plan a creator's post and record its time) while no other process plans for that creator: on
   * PostgreSQL an advisory lock held by a transaction until `fn` ends, so that two workers never pick one slot.
   * On SQLite, one process's plans for a creator run one after the other (SQLite serves one machine; the service
   * runs the video worker in one process).
   */
  async whilePlanning<T>(creator: string, fn: () => Promise<T>): Promise<T> {
    if (this.#kind !== 'postgres') {
      const before = planning.get(creator) ?? Promise.resolve();
      const run = before.then(fn, fn);
      const done = run.then(
        () => {},
        () => {},
      );
      planning.set(creator, done);
      try {
        return await run;
      } finally {
        if (planning.get(creator) === done) planning.delete(creator);
      }
    }
    return this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtextextended(${`content-plan:${creator}`}, 0))`.execute(trx);
      return fn();
    });
  }

  /** The video's post, created in `state` (captioning by default); the existing one when the video has one already. */
  async create(p: NewPost): Promise<{ post: Post; created: boolean }> {
    const now = this.#now();
    const state = p.state ?? 'captioning';
    try {
      const post = await this.db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('posts')
          .values({
            file_id: p.fileId,
            creator: p.creator,
            caption: p.caption ?? null,
            caption_from_template: p.captionFromTemplate ? 1 : 0,
            state,
            planned_at: p.plannedAt ?? null,
            target: p.target,
            message_id: null,
            attempts: 0,
            last_error: null,
            created_at: now,
            updated_at: now,
          } as never)
          .returningAll()
          .executeTakeFirstOrThrow();
        await trx
          .insertInto('post_history')
          .values({ post_id: row.id, from_state: null, to_state: state, detail: null, at: now } as never)
          .execute();
        return row;
      });
      return { post, created: true };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const existing = await this.byFile(p.fileId);
      if (!existing) throw err;
      return { post: existing, created: false };
    }
  }

  async get(id: number): Promise<Post | undefined> {
    return this.db.selectFrom('posts').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async byFile(fileId: number): Promise<Post | undefined> {
    return this.db.selectFrom('posts').selectAll().where('file_id', '=', fileId).executeTakeFirst();
  }

  /**
   * Moves the post to `to` if it is in one of `from` (guarded in SQL), with `changes`, and records the change.
   * False when the post was not in `from` (someone else moved it first) or does not exist.
   */
  async transition(
    id: number,
    from: PostState | readonly PostState[],
    to: PostState,
    changes: PostChanges = {},
    detail: string | null = null,
    /** Written in the same transaction when the move happens (e.g. the admins' message about it): all or nothing. */
    alongside?: (trx: Kysely<Database>) => Promise<void>,
  ): Promise<boolean> {
    const fromStates = typeof from === 'string' ? [from] : [...from];
    const now = this.#now();
    const set: Updateable<PostsTable> = { state: to, updated_at: now };
    if (changes.caption !== undefined) set.caption = changes.caption;
    if (changes.captionFromTemplate !== undefined) set.caption_from_template = changes.captionFromTemplate ? 1 : 0;
    if (changes.captionCost !== undefined) set.caption_cost = changes.captionCost;
    if (changes.plannedAt !== undefined) set.planned_at = changes.plannedAt;
    if (changes.target !== undefined) set.target = changes.target;
    if (changes.messageId !== undefined) set.message_id = changes.messageId;
    if (changes.lastError !== undefined) set.last_error = changes.lastError;
    return this.db.transaction().execute(async (trx) => {
      // The guard is the update itself, one state at a time so that the state it came from is known. A write comes
      // first in the transaction: SQLite then waits for a busy writer instead of failing a read-then-write upgrade.
      for (const state of fromStates) {
        let update = trx.updateTable('posts').set(set);
        if (changes.countAttempt) update = update.set((eb) => ({ attempts: eb('attempts', '+', 1) }));
        if (changes.ifCaption !== undefined)
          update =
            changes.ifCaption === null
              ? update.where('caption', 'is', null)
              : update.where('caption', '=', changes.ifCaption);
        const result = await update.where('id', '=', id).where('state', '=', state).executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) continue;
        await trx
          .insertInto('post_history')
          .values({ post_id: id, from_state: state, to_state: to, detail, at: now } as never)
          .execute();
        await alongside?.(trx as unknown as Kysely<Database>);
        return true;
      }
      return false;
    });
  }

  /** Records an error on the post without moving it (a retried publish call that certainly did not publish). */
  async noteError(id: number, state: PostState, error: string): Promise<boolean> {
    const r = await this.db
      .updateTable('posts')
      .set({ last_error: error, updated_at: this.#now() })
      .where('id', '=', id)
      .where('state', '=', state)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async history(id: number): Promise<PostHistoryRow[]> {
    return this.db.selectFrom('post_history').selectAll().where('post_id', '=', id).orderBy('id').execute();
  }

  async inStates(states: readonly PostState[]): Promise<Post[]> {
    return this.db
      .selectFrom('posts')
      .selectAll()
      .where('state', 'in', [...states])
      .orderBy('id')
      .execute();
  }

  /** Planned times of the creator's posts that hold a slot, from `fromMs` on: what the planner must not collide with. */
  async plannedTimes(creator: string, fromMs: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('posts')
      .select('planned_at')
      .where('creator', '=', creator)
      .where('state', 'in', [...SLOT_STATES])
      .where('planned_at', '>=', fromMs)
      .orderBy('planned_at')
      .execute();
    return rows.flatMap((r) => (r.planned_at === null ? [] : [r.planned_at]));
  }

  /** What the captions of posts created since `fromMs` cost (USD): few rows a day, summed here. */
  async captionCostSince(fromMs: number): Promise<number> {
    const rows = await this.db
      .selectFrom('posts')
      .select('caption_cost')
      .where('created_at', '>=', fromMs)
      .where('caption_cost', 'is not', null)
      .execute();
    return rows.reduce((sum, r) => sum + Number(r.caption_cost), 0);
  }

  /**
   * The creator's last captions the admins approved (awaiting_approval → scheduled) or replaced (/caption), newest
   * first, as stored (HTML-escaped): the voice Gemini is asked to follow.
   */
  async approvedCaptions(creator: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('post_history as h')
      .innerJoin('posts as p', 'p.id', 'h.post_id')
      .select(['p.id', 'p.caption'])
      .where('p.creator', '=', creator)
      .where('p.caption', 'is not', null)
      .where((eb) =>
        eb.or([
          eb.and([eb('h.from_state', '=', 'awaiting_approval'), eb('h.to_state', '=', 'scheduled')]),
          eb('h.detail', 'like', '%: /caption'),
        ]),
      )
      .orderBy('h.id', 'desc')
      .limit(limit * 4)
      .execute();
    const seen = new Set<number>();
    const captions: string[] = [];
    for (const r of rows) {
      if (seen.has(r.id) || r.caption === null || captions.length >= limit) continue;
      seen.add(r.id);
      captions.push(r.caption);
    }
    return captions;
  }

  /**
   * Posts a person must look at: failed, unknown or missed, and posts still scheduled or sending whose planned time
   * is before `overdueBefore` (the poster did not get to them). Oldest first.
   */
  async needingAttention(overdueBefore: number): Promise<Post[]> {
    return this.db
      .selectFrom('posts')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('state', 'in', ['failed', 'unknown', 'missed']),
          eb.and([eb('state', 'in', ['scheduled', 'sending']), eb('planned_at', '<', overdueBefore)]),
        ]),
      )
      .orderBy('id')
      .execute();
  }

  /** The next posts waiting to go out (scheduled or awaiting approval), soonest first; one creator's when named. */
  async upcoming(limit: number, creator?: string): Promise<Post[]> {
    let q = this.db
      .selectFrom('posts')
      .selectAll()
      .where('state', 'in', ['scheduled', 'awaiting_approval', 'sending', 'unknown']);
    if (creator) q = q.where('creator', '=', creator);
    return q.orderBy('planned_at').orderBy('id').limit(limit).execute();
  }
}
