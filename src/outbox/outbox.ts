// The durable admin outbox: every alert for the admins is a row first, then a sendMessage. Messages of one chat go
// in order, chats are served side by side, each at Telegram's pace; a message waits (kept in the store) through
// 429s, outages and restarts, and what Telegram cannot take in time goes to the fallback webhook.
import { randomBytes } from 'node:crypto';
import { Api } from 'grammy';
import type { Kysely } from 'kysely';
import type { Database } from '../core/store/index.ts';
import { fullJitterDelay } from '../core/limits.ts';
import { processAlive } from '../core/process-alive.ts';
import { hostName } from '../core/host.ts';
import type { Logger } from '../core/log.ts';
import { classifySendError, describeError } from './errors.ts';
import { postFallback } from './fallback.ts';
import { htmlToPlain } from './html.ts';
import { outboxSettings } from './options.ts';
import type { OutboxDeps, OutboxSettings } from './options.ts';
import {
  claimForFallback,
  claimHead,
  countByState,
  dueHeads,
  fallbackDue,
  finishClaim,
  getRow,
  moveChat,
  nextDueAt,
  oldestLive,
  outboxDb,
  pruneFinished,
  recentActivity,
  releaseBackoffs,
  releaseClaims,
  releaseDeadClaims,
  releaseExpired,
  toEntry,
} from './rows.ts';
import type { OutboxDb, OutboxRow } from './rows.ts';
import { OUTBOX_STATES } from './types.ts';
import { onMessageQueued, queueAdminMessage, queueMessage } from './writer.ts';
import type { OutboxEntry, OutboxMessage, OutboxState, OutboxStats, ReplyMarkup } from './types.ts';

interface InFlight {
  chatId: number | null;
  controller: AbortController;
  done: Promise<void>;
}

type GrammySignal = Parameters<Api['sendMessage']>[3];

/** Two chats told to wait within this window: a flood of the whole bot, not of one chat. */
const GLOBAL_FLOOD_WINDOW_MS = 10_000;
const MIN_SLEEP_MS = 5;

/**
 * The Api the outbox sends with: plain grammY, without the auto-retry transformer, because the outbox owns its
 * retries (and keeps the message in the store while it waits). Null without a token: messages then wait.
 */
export function outboxApi(token: string | undefined, apiRoot: string): Api | null {
  return token ? new Api(token, { apiRoot }) : null;
}

/** The sender loop: run by the process that holds the Telegram API (the bot). */
export class Outbox {
  readonly #d: OutboxDeps;
  readonly #db: OutboxDb;
  readonly #workerId = `${hostName()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  readonly #secrets: string[];
  readonly #o: OutboxSettings;
  readonly #inFlight = new Map<string, InFlight>();
  #claims = 0;
  #loop: Promise<void> | null = null;
  #stopping = false;
  #wake: (() => void) | null = null;
  #pausedUntil = 0;
  #floods: Array<{ chatId: number; at: number }> = [];
  /** Some message waits out a backoff after a network error or 5xx: Telegram is probed, and an answer releases it. */
  #backedOff = false;
  /** Telegram was seen answering: release the backoffs on the next round. */
  #answered = false;
  #probeAt = 0;
  #probing = false;
  #unsubscribe: () => void = () => {};
  /** A poke came since the current round began: the next round starts at once. */
  #poked = false;

  constructor(deps: OutboxDeps) {
    this.#d = deps;
    this.#db = outboxDb(deps.store);
    this.#secrets = [deps.api?.token ?? '', deps.fallbackWebhook].filter((s) => s.length > 0);
    this.#o = outboxSettings(deps);
  }

  /** queueMessage on this outbox's store; the sender, when started, is woken at once (in `db`: after its commit, by `poke`). */
  async enqueue(message: OutboxMessage & { chatId: number }, db?: Kysely<Database>): Promise<number[]> {
    return queueMessage(this.#d.store, message, db);
  }

  /** queueAdminMessage on this outbox's store: the same message to each chat; a dedupKey applies per chat. */
  async enqueueMany(chatIds: readonly number[], message: OutboxMessage): Promise<number[]> {
    return queueAdminMessage(this.#d.store, chatIds, message);
  }

  /** Starts the sender loop. Without an api, messages wait (and may still go to the fallback webhook). */
  start(): void {
    if (this.#loop || this.#stopping) return;
    if (!this.#d.api) this.#d.log.info('no Telegram bot: admin messages wait in the outbox until one is configured');
    this.#unsubscribe = onMessageQueued(() => this.poke());
    this.#loop = this.#run();
  }

  /**
   * Telegram answered a call (a poll, getMe, a send): messages that wait out a backoff after network errors or
   * 5xx go at once instead of at the end of their backoff.
   */
  telegramAnswered(): void {
    this.#answered = true;
    this.poke();
  }

  /** Look for work now (after the round under way, if one is: it may have read the store before the new row). */
  poke(): void {
    this.#poked = true;
    this.#wake?.();
  }

  /**
   * Stops the sender: no new claims; sends under way may finish until `timeoutMs`, then they are aborted and their
   * messages given back (pending, due at once) for the next start or another process.
   */
  async stop(timeoutMs = 5000): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#unsubscribe();
    this.poke();
    await this.#loop;
    const running = (): Promise<unknown> => Promise.all([...this.#inFlight.values()].map((f) => f.done));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      running().then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), Math.max(0, timeoutMs)))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      for (const f of this.#inFlight.values()) f.controller.abort(new Error('outbox stopping'));
      await Promise.race([running(), new Promise((r) => setTimeout(r, 1000).unref())]);
    }
    const left = [...this.#inFlight.keys()];
    if (left.length > 0) {
      await releaseClaims(this.#db, left, Date.now()).catch((err: unknown) => {
        this.#d.log.warn(
          { err: describeError(err, this.#secrets) },
          'could not give back claimed messages; their leases will expire',
        );
      });
    }
  }

  async stats(): Promise<OutboxStats> {
    const [counts, oldest] = await Promise.all([countByState(this.#db), oldestLive(this.#db)]);
    const out = Object.fromEntries(OUTBOX_STATES.map((s) => [s, 0])) as Record<OutboxState, number>;
    for (const c of counts) out[c.state] = c.count;
    return { counts: out, oldestPendingMs: oldest === null ? 0 : Math.max(0, Date.now() - oldest) };
  }

  async get(id: number): Promise<OutboxEntry | undefined> {
    const row = await getRow(this.#db, id);
    return row ? toEntry(row) : undefined;
  }

  /** Deletes delivered and failed messages older than `olderThanMs`. */
  async prune(olderThanMs: number): Promise<number> {
    return pruneFinished(this.#db, Date.now() - olderThanMs);
  }

  async #run(): Promise<void> {
    let failures = 0;
    const released = await releaseDeadClaims(this.#db, this.#workerId, processAlive, Date.now()).catch(() => 0);
    if (released > 0)
      this.#d.log.warn(
        { messages: released },
        'admin messages a killed sender of this machine held returned to the outbox',
      );
    while (!this.#stopping) {
      let wait: number;
      this.#poked = false;
      try {
        wait = await this.#tick();
        if (failures > 0) this.#d.log.info('store reachable again: the outbox sends again');
        failures = 0;
      } catch (err) {
        failures++;
        if (failures === 1 || failures % 60 === 0) {
          this.#d.log.error(
            { err: describeError(err, this.#secrets), failures },
            'outbox cannot read the store; will retry',
          );
        }
        wait = Math.min(30_000, this.#o.pollMs * 2 ** Math.min(failures, 5));
      }
      // A poke during the round (a message written meanwhile) starts the next at once; after a failure, the wait holds.
      if (!this.#stopping && !(this.#poked && failures === 0)) await this.#sleep(Math.max(MIN_SLEEP_MS, wait));
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }

  /** One round: expired claims back, due fallbacks, then each chat's first message if its pace allows. Returns how long to sleep. */
  async #tick(): Promise<number> {
    const db = this.#db;
    let now = Date.now();
    const expired = await releaseExpired(db, now);
    if (expired > 0)
      this.#d.log.warn(
        { messages: expired },
        'admin messages of a silent sender returned to the outbox (lease expired)',
      );
    if (this.#d.fallbackWebhook) await this.#startFallbacks(now);
    const api = this.#d.api;
    if (this.#answered) {
      this.#answered = false;
      this.#backedOff = false;
      const released = await releaseBackoffs(db, now);
      if (released > 0)
        this.#d.log.info({ messages: released }, 'Telegram answers again: admin messages waiting out a backoff go now');
    } else if (api && this.#backedOff) this.#probe(api, now);

    let wake = now + this.#o.pollMs;
    if (api && now < this.#pausedUntil) wake = Math.min(wake, this.#pausedUntil);
    else if (api && this.#free() > 0) {
      const busy = new Set([...this.#inFlight.values()].map((f) => f.chatId));
      const heads = (await dueHeads(db, now, 100)).filter((h) => !busy.has(h.chat_id));
      const activity = await recentActivity(
        db,
        heads.map((h) => h.chat_id),
        now - Math.max(60_000, this.#o.burst * this.#o.intervalMs),
      );
      now = Date.now();
      for (const head of heads) {
        if (this.#free() === 0 || this.#stopping) break;
        const freeAt = this.#freeAt(head.chat_id, activity, now);
        if (freeAt > now) {
          wake = Math.min(wake, freeAt);
          continue;
        }
        const token = this.#token();
        const pacing = {
          intervalMs: this.#o.intervalMs,
          burst: this.#o.burst,
          perMinute: head.chat_id < 0 ? this.#o.groupPerMinute : null,
        };
        if (await claimHead(db, head, token, Date.now() + this.#o.leaseMs, pacing, Date.now()))
          this.#track(token, head.chat_id, (signal) => this.#send(api, head, token, signal));
      }
    }
    const due = await nextDueAt(db, Date.now());
    if (due !== null) wake = Math.min(wake, due);
    return wake - Date.now();
  }

  /** One getMe at most every probeMs while messages wait out a backoff: an answer releases them. */
  #probe(api: Api, now: number): void {
    if (this.#probing || now < this.#probeAt) return;
    this.#probing = true;
    this.#probeAt = now + this.#o.probeMs;
    api
      .getMe(AbortSignal.timeout(Math.min(this.#o.probeMs, 10_000)) as unknown as Parameters<Api['getMe']>[0])
      .then(
        () => this.telegramAnswered(),
        () => {},
      )
      .finally(() => {
        this.#probing = false;
      });
  }

  /**
   * When pacing lets this chat have its next call: at most `burst` calls in any burst × interval (a call a second
   * sustained, a short burst at once), and for a group so many deliveries a minute.
   */
  #freeAt(
    chatId: number,
    activity: ReadonlyArray<{ chat_id: number; tried_at: number | null; sent_at: number | null }>,
    now: number,
  ): number {
    let freeAt = now;
    const mine = activity.filter((a) => a.chat_id === chatId);
    const { burst, intervalMs } = this.#o;
    const window = burst * intervalMs;
    const tried = mine
      .map((a) => (a.tried_at === null ? 0 : Number(a.tried_at)))
      .filter((t) => t > now - window)
      .sort((a, b) => b - a);
    const oldestInBurst = tried[burst - 1];
    if (oldestInBurst !== undefined) freeAt = Math.max(freeAt, oldestInBurst + window + 1);
    if (chatId < 0) {
      const sent = mine
        .map((a) => (a.sent_at === null ? 0 : Number(a.sent_at)))
        .filter((t) => t > now - 60_000)
        .sort((a, b) => b - a);
      const limiting = sent[this.#o.groupPerMinute - 1];
      if (limiting !== undefined) freeAt = Math.max(freeAt, limiting + 60_000 + 1);
    }
    return freeAt;
  }

  #free(): number {
    return this.#o.concurrency - this.#inFlight.size;
  }

  #token(): string {
    return `${this.#workerId}#${++this.#claims}`;
  }

  #track(token: string, chatId: number | null, work: (signal: AbortSignal) => Promise<void>): void {
    const controller = new AbortController();
    const entry: InFlight = { chatId, controller, done: Promise.resolve() };
    this.#inFlight.set(token, entry);
    entry.done = work(controller.signal)
      .catch((err: unknown) => {
        // Recording the outcome failed (store down): the lease expires and the message goes again.
        this.#d.log.error(
          { err: describeError(err, this.#secrets) },
          'could not record what became of an admin message; it goes again after its lease',
        );
      })
      .finally(() => {
        this.#inFlight.delete(token);
        this.poke();
      });
  }

  async #send(api: Api, row: OutboxRow, token: string, stop: AbortSignal): Promise<void> {
    const db = this.#db;
    const log = this.#d.log.child({ outbox_id: row.id, chat_id: row.chat_id });
    const other = {
      ...(row.format === 'html' ? { parse_mode: 'HTML' as const } : {}),
      ...(row.reply_markup ? { reply_markup: JSON.parse(row.reply_markup) as ReplyMarkup } : {}),
    };
    let messageId: number;
    try {
      // grammY types its signal as the abort-controller polyfill's; at run time it only listens for 'abort'.
      const signal = AbortSignal.any([stop, AbortSignal.timeout(this.#o.sendTimeoutMs)]) as unknown as GrammySignal;
      const message = await api.sendMessage(row.chat_id, row.text, other, signal);
      messageId = message.message_id;
    } catch (err) {
      const now = Date.now();
      if (stop.aborted) {
        // Telegram may or may not have it: giving it back risks a repeat, keeping it would lose it.
        await finishClaim(
          db,
          row.id,
          token,
          { state: 'pending', next_at: now, last_error: 'sender stopped during the call' },
          now,
        );
        return;
      }
      const failure = classifySendError(err, this.#secrets);
      switch (failure.kind) {
        case 'flood': {
          const until = now + failure.retryAfterMs;
          await finishClaim(db, row.id, token, { state: 'pending', next_at: until, last_error: failure.error }, now);
          this.#flooded(row.chat_id, now, until, log);
          log.warn({ retry_after_s: failure.retryAfterMs / 1000 }, 'Telegram asks this chat to wait (429)');
          return;
        }
        case 'parse': {
          const plain = htmlToPlain(row.text);
          if (row.format === 'html' && plain.trim() !== '') {
            await finishClaim(
              db,
              row.id,
              token,
              { state: 'pending', text: plain, format: 'plain', next_at: now, last_error: failure.error },
              now,
            );
            log.warn(
              { error: failure.error },
              'Telegram could not parse the HTML of an admin message; sending it as plain text',
            );
            return;
          }
          break;
        }
        case 'migrated': {
          await finishClaim(
            db,
            row.id,
            token,
            { state: 'pending', chat_id: failure.chatId, next_at: now, last_error: failure.error },
            now,
          );
          const moved = await moveChat(db, row.chat_id, failure.chatId, now);
          log.warn(
            { new_chat_id: failure.chatId, messages: moved + 1 },
            'the group became a supergroup: its admin messages follow it',
          );
          return;
        }
        case 'transient': {
          this.#backedOff = true;
          const attempts = row.attempts + 1;
          const delay = Math.max(this.#o.backoff.baseMs, fullJitterDelay(attempts, this.#o.backoff));
          await finishClaim(
            db,
            row.id,
            token,
            { state: 'pending', attempts, next_at: now + delay, last_error: failure.error },
            now,
          );
          const fields = { error: failure.error, attempts, retry_in_ms: delay };
          if (attempts === 1 || attempts % 10 === 0)
            log.warn(fields, 'Telegram did not take an admin message; will retry');
          else log.debug(fields, 'Telegram did not take an admin message; will retry');
          return;
        }
        case 'permanent':
          break;
      }
      await finishClaim(db, row.id, token, { state: 'failed', last_error: failure.error }, now);
      log.error({ error: failure.error }, 'Telegram refused an admin message for good; it will not be retried');
      return;
    }
    const now = Date.now();
    if (this.#backedOff) this.telegramAnswered();
    if (
      !(await finishClaim(
        db,
        row.id,
        token,
        { state: 'sent', message_id: messageId, sent_at: now, last_error: null },
        now,
      ))
    ) {
      log.warn('an admin message was sent after its claim expired: another sender may send it again');
    }
  }

  /** 429 in one chat: that chat waits (its next_at). 429s in two chats close together: the whole bot is flooded, all wait. */
  #flooded(chatId: number, now: number, until: number, log: Logger): void {
    this.#floods = this.#floods.filter((f) => f.at > now - GLOBAL_FLOOD_WINDOW_MS && f.chatId !== chatId);
    this.#floods.push({ chatId, at: now });
    if (this.#floods.length >= 2 && until > this.#pausedUntil) {
      this.#pausedUntil = until;
      log.warn({ wait_ms: until - now }, 'Telegram floods the whole bot: every admin chat waits');
    }
  }

  async #startFallbacks(now: number): Promise<void> {
    const free = this.#free();
    if (free <= 0) return;
    const rows = await fallbackDue(this.#db, now - this.#d.fallbackAfterMs, now, free);
    for (const row of rows) {
      const token = this.#token();
      if (await claimForFallback(this.#db, row.id, token, Date.now() + this.#o.leaseMs, Date.now())) {
        this.#track(token, null, (signal) => this.#fallback(row, token, signal));
      }
    }
  }

  async #fallback(row: OutboxRow, token: string, stop: AbortSignal): Promise<void> {
    const db = this.#db;
    const log = this.#d.log.child({ outbox_id: row.id, chat_id: row.chat_id });
    const reason =
      row.last_error ?? (this.#d.api ? 'Telegram has not taken it yet' : 'Telegram is not configured (no bot token)');
    const body = {
      id: row.id,
      chat_id: Number(row.chat_id),
      text: row.format === 'html' ? htmlToPlain(row.text) : row.text,
      created_at: new Date(Number(row.created_at)).toISOString(),
      reason,
    };
    try {
      await postFallback(
        this.#d.fallbackWebhook,
        body,
        AbortSignal.any([stop, AbortSignal.timeout(this.#o.webhookTimeoutMs)]),
      );
    } catch (err) {
      const now = Date.now();
      if (stop.aborted) {
        await finishClaim(db, row.id, token, { state: 'pending' }, now);
        return;
      }
      const attempts = row.fallback_attempts + 1;
      const delay = Math.max(this.#o.backoff.baseMs, fullJitterDelay(attempts, this.#o.backoff));
      await finishClaim(
        db,
        row.id,
        token,
        { state: 'pending', fallback_attempts: attempts, fallback_next_at: now + delay },
        now,
      );
      log.warn(
        { error: describeError(err, this.#secrets), attempts, retry_in_ms: delay },
        'the fallback webhook did not take an admin message; will retry',
      );
      return;
    }
    const now = Date.now();
    await finishClaim(db, row.id, token, { state: 'fallback', sent_at: now }, now);
    log.warn(
      { waited_ms: now - Number(row.created_at), reason },
      'admin message went to the fallback webhook: Telegram did not take it in time',
    );
  }
}
