// The outbox table's statements. A sender claims a message with one compare-and-set (pending → sending, with a
// lease and a claim token), and only the holder of that claim may record its outcome: two processes sharing the
// store never both send a message, and one that dies mid-send leaves a lease that expires.
import { sql } from 'kysely';
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Database, Store } from '../core/store/index.ts';
import type { MessagePart } from './split.ts';
import type { OutboxEntry, OutboxState, OutboxTable, OutboxTables } from './types.ts';

export type OutboxDb = Kysely<Database & OutboxTables>;
export type OutboxRow = Selectable<OutboxTable>;

/** The store seen with the outbox's tables: core does not know them; migration 0110_outbox creates them. */
export function outboxDb(store: Store): OutboxDb {
  return store.db as unknown as OutboxDb;
}

const LIVE: OutboxState[] = ['pending', 'sending'];

export interface NewMessage {
  chatId: number;
  parts: MessagePart[];
  /** JSON of the reply markup, and the part that carries it: inline buttons ride the first, other markup the last. */
  replyMarkup: string | null;
  markupOn: 'first' | 'last';
  dedupKey: string | null;
}

/**
 * Inserts the parts of one message in order, in one transaction; [] when the dedup key is already used.
 * On PostgreSQL a lock per chat makes ids of one chat follow commit order, so that the parts of two messages
 * enqueued at once never interleave and a sender never passes over a message not yet committed.
 */
export async function insertMessage(
  db: OutboxDb,
  kind: Store['kind'],
  message: NewMessage,
  now: number,
): Promise<number[]> {
  if (db.isTransaction) return insertParts(db, kind, message, now);
  return db.transaction().execute((trx) => insertParts(trx, kind, message, now));
}

async function insertParts(trx: OutboxDb, kind: Store['kind'], message: NewMessage, now: number): Promise<number[]> {
  {
    if (kind === 'postgres')
      await sql`select pg_advisory_xact_lock(hashtextextended(${`outbox:${message.chatId}`}, 0))`.execute(trx);
    const ids: number[] = [];
    const markupAt = message.markupOn === 'first' ? 0 : message.parts.length - 1;
    for (const [i, part] of message.parts.entries()) {
      const values = {
        chat_id: message.chatId,
        text: part.text,
        format: part.format,
        reply_markup: i === markupAt ? message.replyMarkup : null,
        dedup_key: i === 0 ? message.dedupKey : null,
        state: 'pending' as const,
        attempts: 0,
        next_at: now,
        created_at: now,
        fallback_attempts: 0,
        updated_at: now,
      };
      if (i === 0 && message.dedupKey !== null) {
        const row = await trx
          .insertInto('outbox')
          .values(values)
          .onConflict((oc) => oc.column('dedup_key').doNothing())
          .returning('id')
          .executeTakeFirst();
        if (!row) return [];
        ids.push(row.id);
      } else {
        const row = await trx.insertInto('outbox').values(values).returning('id').executeTakeFirstOrThrow();
        ids.push(row.id);
      }
    }
    return ids;
  }
}

/** Per chat, its first message not yet delivered, when that one is pending and due: the only ones a sender may take. */
export async function dueHeads(db: OutboxDb, now: number, limit: number): Promise<OutboxRow[]> {
  return db
    .selectFrom('outbox as o')
    .selectAll('o')
    .where('o.state', '=', 'pending')
    .where('o.next_at', '<=', now)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('outbox as p')
            .select('p.id')
            .whereRef('p.chat_id', '=', 'o.chat_id')
            .whereRef('p.id', '<', 'o.id')
            .where('p.state', 'in', LIVE),
        ),
      ),
    )
    .orderBy('o.id')
    .limit(limit)
    .execute();
}

/** Calls to Telegram (tried_at) and deliveries (sent_at) of these chats since `since`: what pacing looks at. */
export async function recentActivity(
  db: OutboxDb,
  chatIds: readonly number[],
  since: number,
): Promise<Array<{ chat_id: number; tried_at: number | null; sent_at: number | null }>> {
  if (chatIds.length === 0) return [];
  return db
    .selectFrom('outbox')
    .select(['chat_id', 'tried_at', 'sent_at'])
    .where('chat_id', 'in', [...chatIds])
    .where((eb) => eb.or([eb('tried_at', '>', since), eb('sent_at', '>', since)]))
    .execute();
}

export interface Pacing {
  intervalMs: number;
  /** At most this many calls to the chat in any `burst × intervalMs`. */
  burst: number;
  /** For groups (negative chat ids): deliveries per minute, or null for a private chat. */
  perMinute: number | null;
}

/**
 * Claims a chat's first message for a call to Telegram: it must still be pending, due and first in its chat, and
 * the chat's pacing must allow a call now (checked here again, so that two processes cannot both pass it).
 */
export async function claimHead(
  db: OutboxDb,
  row: OutboxRow,
  token: string,
  leaseUntil: number,
  pacing: Pacing,
  now: number,
): Promise<boolean> {
  let q = db
    .updateTable('outbox')
    .set({ state: 'sending', claimed_by: token, lease_until: leaseUntil, tried_at: now, updated_at: now })
    .where('id', '=', row.id)
    .where('state', '=', 'pending')
    .where('next_at', '<=', now)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('outbox as p')
            .select('p.id')
            .where('p.chat_id', '=', row.chat_id)
            .where('p.id', '<', row.id)
            .where('p.state', 'in', LIVE),
        ),
      ),
    )
    .where((eb) =>
      eb(
        eb
          .selectFrom('outbox as r')
          .select((r) => r.fn.countAll<number>().as('n'))
          .where('r.chat_id', '=', row.chat_id)
          .where('r.tried_at', '>', now - pacing.burst * pacing.intervalMs),
        '<',
        pacing.burst,
      ),
    );
  if (pacing.perMinute !== null) {
    const perMinute = pacing.perMinute;
    q = q.where((eb) =>
      eb(
        eb
          .selectFrom('outbox as g')
          .select((g) => g.fn.countAll<number>().as('n'))
          .where('g.chat_id', '=', row.chat_id)
          .where('g.sent_at', '>', now - 60_000),
        '<',
        perMinute,
      ),
    );
  }
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Pending messages that have waited longer than the fallback allows, and whose last webhook failure has cooled off. */
export async function fallbackDue(
  db: OutboxDb,
  createdBefore: number,
  now: number,
  limit: number,
): Promise<OutboxRow[]> {
  return db
    .selectFrom('outbox')
    .selectAll()
    .where('state', '=', 'pending')
    .where('created_at', '<=', createdBefore)
    .where((eb) => eb.or([eb('fallback_next_at', 'is', null), eb('fallback_next_at', '<=', now)]))
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function claimForFallback(
  db: OutboxDb,
  id: number,
  token: string,
  leaseUntil: number,
  now: number,
): Promise<boolean> {
  const r = await db
    .updateTable('outbox')
    .set({ state: 'sending', claimed_by: token, lease_until: leaseUntil, updated_at: now })
    .where('id', '=', id)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Records the outcome of a claim; false when the claim is no longer ours (its lease expired and another took it). */
export async function finishClaim(
  db: OutboxDb,
  id: number,
  token: string,
  set: Updateable<OutboxTable>,
  now: number,
): Promise<boolean> {
  const r = await db
    .updateTable('outbox')
    .set({ ...set, lease_until: null, claimed_by: null, updated_at: now })
    .where('id', '=', id)
    .where('state', '=', 'sending')
    .where('claimed_by', '=', token)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** A group became a supergroup: its messages not yet delivered follow it to the new id. */
export async function moveChat(db: OutboxDb, from: number, to: number, now: number): Promise<number> {
  const r = await db
    .updateTable('outbox')
    .set({ chat_id: to, updated_at: now })
    .where('chat_id', '=', from)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * Telegram answers again: messages waiting out a backoff after network errors or 5xx become due now. Those told to
 * wait by a 429 keep their wait (Telegram named it).
 */
export async function releaseBackoffs(db: OutboxDb, now: number): Promise<number> {
  const r = await db
    .updateTable('outbox')
    .set({ next_at: now, updated_at: now })
    .where('state', '=', 'pending')
    .where('next_at', '>', now)
    .where('attempts', '>', 0)
    .where((eb) => eb.or([eb('last_error', 'is', null), eb('last_error', 'not like', 'telegram 429%')]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Claims of a sender that went silent (crash, kill -9) go back to pending. */
export async function releaseExpired(db: OutboxDb, now: number): Promise<number> {
  const r = await db
    .updateTable('outbox')
    .set({ state: 'pending', lease_until: null, claimed_by: null, updated_at: now })
    .where('state', '=', 'sending')
    .where('lease_until', '<', now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * Claims held by senders of this host (`me`: this sender's `host:pid:random`) whose process is gone (a SIGKILL mid-send) go back to pending at once instead
 * of blocking their chat until the lease ends. Their outcome is unknown either way; the lease would release them too.
 */
export async function releaseDeadClaims(
  db: OutboxDb,
  me: string,
  alive: (pid: number) => boolean,
  now: number,
): Promise<number> {
  const [host = '', ownPid] = me.split(':');
  const claims = await db
    .selectFrom('outbox')
    .select('claimed_by')
    .distinct()
    .where('state', '=', 'sending')
    .where('claimed_by', 'like', `${host}:%`)
    .execute();
  const dead = claims
    .map((c) => c.claimed_by)
    .filter((c): c is string => c !== null)
    .filter((c) => {
      const pid = c.slice(host.length + 1).split(':')[0] ?? '';
      // Our own pid is never taken for dead: another sender of this process shares it (an earlier process under the
      // same pid, as a restarted container's, waits out its lease as before).
      return pid !== ownPid && /^\d+$/.test(pid) && !alive(Number(pid));
    });
  if (dead.length === 0) return 0;
  const r = await db
    .updateTable('outbox')
    .set({ state: 'pending', lease_until: null, claimed_by: null, updated_at: now })
    .where('state', '=', 'sending')
    .where('claimed_by', 'in', dead)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** A clean stop gives back the claims it still holds, due at once. */
export async function releaseClaims(db: OutboxDb, tokens: readonly string[], now: number): Promise<number> {
  if (tokens.length === 0) return 0;
  const r = await db
    .updateTable('outbox')
    .set({ state: 'pending', lease_until: null, claimed_by: null, next_at: now, updated_at: now })
    .where('state', '=', 'sending')
    .where('claimed_by', 'in', [...tokens])
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** The earliest future time a pending message becomes due, or null. */
export async function nextDueAt(db: OutboxDb, now: number): Promise<number | null> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.min<number>('next_at').as('at'))
    .where('state', '=', 'pending')
    .where('next_at', '>', now)
    .executeTakeFirst();
  return row?.at === null || row?.at === undefined ? null : Number(row.at);
}

export async function countByState(db: OutboxDb): Promise<Array<{ state: OutboxState; count: number }>> {
  const rows = await db
    .selectFrom('outbox')
    .select(['state', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy('state')
    .execute();
  return rows.map((r) => ({ state: r.state, count: Number(r.count) }));
}

export async function oldestLive(db: OutboxDb): Promise<number | null> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.min<number>('created_at').as('at'))
    .where('state', 'in', LIVE)
    .executeTakeFirst();
  return row?.at === null || row?.at === undefined ? null : Number(row.at);
}

export async function getRow(db: OutboxDb, id: number): Promise<OutboxRow | undefined> {
  return db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Delivered and failed messages older than `before` go; their dedup keys become free again. */
export async function pruneFinished(db: OutboxDb, before: number): Promise<number> {
  const r = await db
    .deleteFrom('outbox')
    .where('state', 'in', ['sent', 'fallback', 'failed'])
    .where('updated_at', '<', before)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

export function toEntry(row: OutboxRow): OutboxEntry {
  return {
    id: row.id,
    chatId: Number(row.chat_id),
    text: row.text,
    format: row.format,
    state: row.state,
    attempts: row.attempts,
    nextAt: Number(row.next_at),
    lastError: row.last_error,
    messageId: row.message_id === null ? null : Number(row.message_id),
    createdAt: Number(row.created_at),
    sentAt: row.sent_at === null ? null : Number(row.sent_at),
    dedupKey: row.dedup_key,
  };
}
