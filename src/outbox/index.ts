// The durable outbox: messages for the admins' (and senders') Telegram chats, kept in the store until delivered.
// Any module writes with the store alone (queueMessage, queueAdminMessage); the process that holds the Telegram API
// runs the sender loop (the bot starts it). The sender brings grammY, so it loads only when asked for.
import type { Outbox, outboxApi } from './outbox.ts';

export { messagesCommitted, queueAdminMessage, queueMessage } from './writer.ts';
export type { Outbox } from './outbox.ts';
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

/** The sender loop and the Api it sends with; loads grammY. */
export async function loadOutboxSender(): Promise<{ Outbox: typeof Outbox; outboxApi: typeof outboxApi }> {
  return import('./outbox.ts');
}
