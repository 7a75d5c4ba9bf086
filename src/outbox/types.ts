// The outbox's tables (created by migration 0110_outbox) and what callers see of them.
import type { Generated } from 'kysely';
import type { ForceReply, InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove } from 'grammy/types';

export type MessageFormat = 'html' | 'plain';

/**
 * pending: waits for its turn (or for Telegram); sending: claimed by a sender until `lease_until`;
 * sent: Telegram took it; fallback: the fallback webhook took it; failed: Telegram refused it for good.
 */
export type OutboxState = 'pending' | 'sending' | 'sent' | 'fallback' | 'failed';
export const OUTBOX_STATES: readonly OutboxState[] = ['pending', 'sending', 'sent', 'fallback', 'failed'];

export interface OutboxTable {
  id: Generated<number>;
  chat_id: number;
  text: string;
  format: MessageFormat;
  /** JSON text of the reply markup, on one part of a split message only: the first for inline buttons, else the last. */
  reply_markup: string | null;
  /** Unique: an enqueue with a key already used adds nothing. Only the first part of a split message holds it. */
  dedup_key: string | null;
  state: OutboxState;
  /** Failed calls to Telegram (network, 5xx); a 429 does not count. */
  attempts: number;
  /** Not sent before this time (retry backoff, retry_after). */
  next_at: number;
  last_error: string | null;
  message_id: number | null;
  created_at: number;
  /** When Telegram (or the fallback webhook) took it. */
  sent_at: number | null;
  /** While state is sending: the claim returns to pending after this time (its process died). */
  lease_until: number | null;
  /** While state is sending: who claimed it (process and claim), so that only that claim may finish it. */
  claimed_by: string | null;
  /** Last call to Telegram for this message: pacing per chat reads it. */
  tried_at: number | null;
  fallback_attempts: number;
  /** The fallback webhook failed: not tried again before this time. */
  fallback_next_at: number | null;
  updated_at: number;
}

/** Unknown senders the admins were already told about, one row a sender and day. */
export interface RefusedSendersTable {
  user_id: number;
  day: string;
  name: string | null;
  count: number;
}

export interface OutboxTables {
  outbox: OutboxTable;
  refused_senders: RefusedSendersTable;
}

/** An inline button that sends `data` back to the bot as a callback query when pressed. */
export interface InlineButton {
  text: string;
  data: string;
}

export type ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply;

export interface OutboxMessage {
  /** Text in Telegram's HTML (default; build it with `html` or `escapeHtml`) or plain text. */
  text: string;
  format?: MessageFormat;
  /** Goes with the last part when the text is split. Not together with `buttons`. */
  replyMarkup?: ReplyMarkup;
  /**
   * Inline buttons, rows of { text, data } (data: callback_data, at most 64 bytes). They go with the first part when
   * the text is split, so that they stay next to what the message is about, and are kept on a plain-text resend.
   */
  buttons?: InlineButton[][];
  /** Enqueueing again with a key already used adds nothing (an alert repeated by a restart, say). */
  dedupKey?: string;
}

export interface OutboxEntry {
  id: number;
  chatId: number;
  text: string;
  format: MessageFormat;
  state: OutboxState;
  attempts: number;
  nextAt: number;
  lastError: string | null;
  messageId: number | null;
  createdAt: number;
  sentAt: number | null;
  dedupKey: string | null;
}

export interface OutboxStats {
  counts: Record<OutboxState, number>;
  /** How long the oldest message not yet delivered (pending or sending) has waited, in ms; 0 when none. */
  oldestPendingMs: number;
}
