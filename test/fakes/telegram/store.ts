// Chats and messages as the fake's Telegram sees them: every message injected or sent, in its latest version.
import type { Chat, Message, User } from '@grammyjs/types';
import type { FakeUser } from './types.ts';

export interface StoredMessage {
  message: Message;
  /** Text or caption a person sees (entities applied, markup stripped). */
  visible: string | undefined;
  fromBot: boolean;
}

export function userOf(u: FakeUser): User {
  const user: User = { id: u.id, is_bot: false, first_name: u.first_name };
  if (u.username !== undefined) user.username = u.username;
  if (u.language_code !== undefined) user.language_code = u.language_code;
  return user;
}

export function now(): number {
  return Math.floor(Date.now() / 1000);
}

export class MessageStore {
  /** One counter for all chats (Telegram counts per chat): ids only ever increase. */
  private nextMessageId = 1;
  private readonly messages = new Map<string, StoredMessage>();
  private readonly chats = new Map<number, Chat>();

  nextId(): number {
    return this.nextMessageId++;
  }

  rememberChat(chat: Chat): void {
    this.chats.set(chat.id, chat);
  }

  /** A chat by id: known from an update, or made up from the id's sign the way Telegram numbers chats. */
  chat(id: number): Chat {
    const known = this.chats.get(id);
    if (known) return known;
    let chat: Chat;
    if (id > 0) chat = { id, type: 'private', first_name: `User ${id}` };
    else if (id <= -1_000_000_000_000) chat = { id, type: 'supergroup', title: `Supergroup ${id}` };
    else chat = { id, type: 'group', title: `Group ${id}` };
    this.chats.set(id, chat);
    return chat;
  }

  put(message: Message, visible: string | undefined, fromBot: boolean): void {
    this.messages.set(`${message.chat.id}:${message.message_id}`, { message, visible, fromBot });
  }

  get(chatId: number, messageId: number): StoredMessage | undefined {
    return this.messages.get(`${chatId}:${messageId}`);
  }

  /** Message ids are unique across chats in the fake, so a message can be found by id alone. */
  find(messageId: number): StoredMessage | undefined {
    for (const m of this.messages.values()) if (m.message.message_id === messageId) return m;
    return undefined;
  }

  delete(chatId: number, messageId: number): boolean {
    return this.messages.delete(`${chatId}:${messageId}`);
  }
}
