// Writing to the outbox: what any module calls, with only the store, to tell a chat or the admins something.
// The sender loop of the process that holds the Telegram API delivers the rows; none is needed to write them.
import type { Kysely } from 'kysely';
import type { Database, Store } from '../core/store/index.ts';
import { markupOf } from './buttons.ts';
import { insertMessage, outboxDb } from './rows.ts';
import type { OutboxDb } from './rows.ts';
import { splitMessage } from './split.ts';
import type { OutboxMessage } from './types.ts';

/** Senders of this process, woken when a message is written outside a transaction (one in a transaction waits for its commit). */
const listeners = new Set<() => void>();

/** Calls `wake` after each message queued by this process; returns the way to stop. */
export function onMessageQueued(wake: () => void): () => void {
  listeners.add(wake);
  return () => listeners.delete(wake);
}

/** Wakes this process's senders after the caller's transaction that wrote messages (queueMessage with `trx`) committed. */
export function messagesCommitted(): void {
  for (const wake of listeners) wake();
}

/**
 * Keeps a message for `chatId` until it is delivered; returns the ids of its rows (several when the text is split
 * above 4,096 characters), or [] when `dedupKey` was already used. Bad buttons throw here, not at send time.
 * Given `trx`, a transaction of the caller, the message is written in it: kept only if it commits.
 */
export async function queueMessage(
  store: Store,
  message: OutboxMessage & { chatId: number },
  trx?: Kysely<Database>,
): Promise<number[]> {
  const { chatId, text } = message;
  if (!Number.isSafeInteger(chatId) || chatId === 0) throw new Error(`outbox: not a chat id: ${String(chatId)}`);
  if (text.trim() === '') throw new Error('outbox: the message text is empty');
  const markup = markupOf(message);
  const format = message.format ?? 'html';
  const parts = splitMessage(text, format);
  if (parts.length === 0) throw new Error('outbox: the message has no visible text');
  const target = trx ? (trx as unknown as OutboxDb) : outboxDb(store);
  const ids = await insertMessage(
    target,
    store.kind,
    { chatId, parts, ...markup, dedupKey: message.dedupKey ?? null },
    Date.now(),
  );
  // In the caller's transaction the row is not visible yet: the caller pokes the sender after its commit.
  if (ids.length > 0 && !trx) messagesCommitted();
  return ids;
}

/** The same message to each admin chat (every chat in `chats`, once); a dedupKey applies per chat. */
export async function queueAdminMessage(
  store: Store,
  chats: readonly number[],
  message: OutboxMessage,
): Promise<number[]> {
  const ids: number[] = [];
  for (const chatId of new Set(chats)) {
    const dedupKey = message.dedupKey === undefined ? undefined : `${message.dedupKey}@${chatId}`;
    ids.push(...(await queueMessage(store, { ...message, chatId, dedupKey })));
  }
  return ids;
}
