// What an outbox is built with, and the defaults it runs with: kept apart from the sending loop so that the loop
// reads one resolved settings object.
import type { Api } from 'grammy';
import type { Backoff } from '../core/limits.ts';
import type { Logger } from '../core/log.ts';
import type { Store } from '../core/store/index.ts';

export interface OutboxDeps {
  store: Store;
  /** grammY's Api without the auto-retry transformer (the outbox owns its retries); null when there is no token. */
  api: Api | null;
  log: Logger;
  /** alerts.fallback_webhook; empty: none. */
  fallbackWebhook: string;
  /** alerts.fallback_after_seconds, in ms. */
  fallbackAfterMs: number;
  /** One chat's sustained pace: a call to Telegram per this many ms; default 1000 (Telegram's guidance). */
  perChatIntervalMs?: number;
  /**
   * Calls one chat may have at once before the pace holds it (at most this many in any burst × interval); default 3,
   * so that a receipt right after the previous file's summary is not held back. 1: every call an interval apart.
   */
  perChatBurst?: number;
  /** Deliveries per minute to one group (negative chat id); default 20. */
  groupPerMinute?: number;
  /** How often an idle sender looks for work written by other processes; default 1000. */
  pollMs?: number;
  /**
   * One sendMessage may take this long; default 120 000. A call cut off after it reached Telegram may have been
   * delivered all the same, and is sent again: so the wait is long, and a slow server is waited out, not repeated.
   */
  sendTimeoutMs?: number;
  /** One POST to the fallback webhook may take this long; default 10 000. */
  webhookTimeoutMs?: number;
  /** A claim returns to pending if its sender is silent this long; default the send timeout + 60 000. */
  leaseMs?: number;
  /** While messages wait out a backoff, Telegram is asked getMe this often; an answer sends them at once. Default 5 000. */
  probeMs?: number;
  /** Retries after network errors, timeouts and 5xx (and of the webhook): full jitter, at least baseMs; default 1 s … 5 min. */
  retryBackoff?: Backoff;
  /** Calls to Telegram (and the webhook) at once; default 8. */
  concurrency?: number;
}

export interface OutboxSettings {
  intervalMs: number;
  burst: number;
  groupPerMinute: number;
  pollMs: number;
  sendTimeoutMs: number;
  webhookTimeoutMs: number;
  leaseMs: number;
  probeMs: number;
  backoff: Backoff;
  concurrency: number;
}

export function outboxSettings(deps: OutboxDeps): OutboxSettings {
  return {
    intervalMs: deps.perChatIntervalMs ?? 1000,
    burst: Math.max(1, deps.perChatBurst ?? 3),
    groupPerMinute: deps.groupPerMinute ?? 20,
    pollMs: deps.pollMs ?? 1000,
    sendTimeoutMs: deps.sendTimeoutMs ?? 120_000,
    webhookTimeoutMs: deps.webhookTimeoutMs ?? 10_000,
    leaseMs: deps.leaseMs ?? (deps.sendTimeoutMs ?? 120_000) + 60_000,
    probeMs: deps.probeMs ?? 5000,
    backoff: deps.retryBackoff ?? { baseMs: 1000, capMs: 300_000 },
    concurrency: Math.max(1, deps.concurrency ?? 8),
  };
}
