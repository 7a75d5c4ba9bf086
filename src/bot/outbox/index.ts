// The durable admin outbox: what every alert goes through to reach the admins' Telegram chats.
import { Api } from 'grammy';

export { Outbox } from './outbox.ts';
export type { OutboxDeps } from './options.ts';
export { MAX_CALLBACK_DATA_BYTES, inlineKeyboard } from './buttons.ts';
export { escapeHtml, html, htmlToPlain, trusted, unescapeHtml } from './html.ts';
export type { TrustedHtml } from './html.ts';
export { MAX_MESSAGE_LENGTH, splitMessage } from './split.ts';
export type { MessagePart } from './split.ts';
export { outboxMigration } from './migration.ts';
export { OUTBOX_STATES } from './types.ts';
export type {
  InlineButton,
  MessageFormat,
  OutboxEntry,
  OutboxMessage,
  OutboxState,
  OutboxStats,
  OutboxTable,
  OutboxTables,
  RefusedSendersTable,
  ReplyMarkup,
} from './types.ts';

/**
 * The Api the outbox sends with: plain grammY, without the auto-retry transformer, because the outbox owns its
 * retries (and keeps the message in the store while it waits). Null without a token: messages then wait.
 */
export function outboxApi(token: string | undefined, apiRoot: string): Api | null {
  return token ? new Api(token, { apiRoot }) : null;
}
