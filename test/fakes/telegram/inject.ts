// Updates a test injects, as Telegram would deliver them: a user writes, sends a command, a file or an album,
// or presses an inline button.
import { createHash } from 'node:crypto';
import type { CallbackQuery, Chat, Message, MessageEntity, Update } from '@grammyjs/types';
import type { Ctx } from './context.ts';
import { documentOf, photoSizes, videoOf } from './media.ts';
import { now, userOf } from './store.ts';
import type { AlbumItem, Chat as ChatRef, FakeFile, FakeUser } from './types.ts';

type UserMessage = Message & Update.NonChannel;
type MediaOpts = { caption?: string; mediaGroupId?: string; duration?: number };

let mediaGroupSeq = 0;
let callbackSeq = 0;

function chatOf(from: FakeUser, ref?: ChatRef): UserMessage['chat'] {
  if (!ref || ref.type === 'private') {
    const chat: Chat.PrivateChat = { id: ref?.id ?? from.id, type: 'private', first_name: from.first_name };
    if (from.username !== undefined) chat.username = from.username;
    return chat;
  }
  return { id: ref.id, type: ref.type, title: `Test ${ref.type} ${ref.id}` };
}

function newMessage(ctx: Ctx, from: FakeUser, chatRef?: ChatRef): UserMessage {
  const chat = chatOf(from, chatRef);
  ctx.store.rememberChat(chat);
  return { message_id: ctx.store.nextId(), from: userOf(from), chat, date: now() };
}

function deliver(ctx: Ctx, message: UserMessage, visible: string | undefined): Update {
  ctx.store.put(message, visible, false);
  return ctx.updates.push({ message });
}

/** bot_command entities where Telegram finds them: a /command at the start of the text or after whitespace. */
function commandEntities(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  for (const m of text.matchAll(/(^|\s)(\/[a-zA-Z0-9_]{1,32}(?:@[a-zA-Z0-9_]{3,32})?)(?=$|\s|[.,!?;:])/g)) {
    const offset = (m.index ?? 0) + (m[1]?.length ?? 0);
    entities.push({ type: 'bot_command', offset, length: m[2]?.length ?? 0 });
  }
  return entities;
}

export function injectText(ctx: Ctx, from: FakeUser, text: string, chat?: ChatRef): Update {
  const message = newMessage(ctx, from, chat);
  message.text = text;
  const entities = commandEntities(text);
  if (entities.length > 0) message.entities = entities;
  return deliver(ctx, message, text);
}

export function injectCommand(ctx: Ctx, from: FakeUser, command: string): Update {
  return injectText(ctx, from, command.startsWith('/') ? command : `/${command}`);
}

function withMedia(message: UserMessage, opts: MediaOpts): string | undefined {
  if (opts.mediaGroupId !== undefined) message.media_group_id = opts.mediaGroupId;
  if (opts.caption === undefined || opts.caption === '') return undefined;
  message.caption = opts.caption;
  const entities = commandEntities(opts.caption);
  if (entities.length > 0) message.caption_entities = entities;
  return opts.caption;
}

export function injectVideo(ctx: Ctx, from: FakeUser, file: FakeFile, opts: MediaOpts = {}): Update {
  const message = newMessage(ctx, from);
  const stored = ctx.files.add('videos', file);
  message.video = videoOf(stored, { duration: opts.duration });
  return deliver(ctx, message, withMedia(message, opts));
}

export function injectDocument(ctx: Ctx, from: FakeUser, file: FakeFile, opts: MediaOpts = {}): Update {
  const message = newMessage(ctx, from);
  message.document = documentOf(ctx.files.add('documents', file));
  return deliver(ctx, message, withMedia(message, opts));
}

export function injectPhoto(ctx: Ctx, from: FakeUser, file: FakeFile, opts: MediaOpts = {}): Update {
  const message = newMessage(ctx, from);
  message.photo = photoSizes(ctx.files, file);
  return deliver(ctx, message, withMedia(message, opts));
}

/** Several messages sharing one media_group_id, queued together (one getUpdates answer carries them all). */
export function injectAlbum(ctx: Ctx, from: FakeUser, items: AlbumItem[]): Update[] {
  const mediaGroupId = String(13_900_000_000_000_000n + BigInt(++mediaGroupSeq));
  return items.map((item) => {
    const opts = { mediaGroupId };
    if (item.kind === 'photo') return injectPhoto(ctx, from, item.file, opts);
    if (item.kind === 'video') return injectVideo(ctx, from, item.file, opts);
    return injectDocument(ctx, from, item.file, opts);
  });
}

/**
 * A press on an inline button of message `messageId`. When the fake does not know that message, the query carries
 * an InaccessibleMessage (date 0), as Telegram does for messages it can no longer show.
 */
export function injectCallback(ctx: Ctx, from: FakeUser, data: string, messageId: number): Update {
  const found = ctx.store.find(messageId);
  const chat = found?.message.chat ?? chatOf(from);
  const id = `${BigInt(from.id) * 1000n + BigInt(++callbackSeq % 1000)}${Date.now() % 100_000}`;
  const instance = createHash('sha1').update(String(chat.id)).digest().readBigInt64BE(0);
  const query: CallbackQuery = {
    id,
    from: userOf(from),
    chat_instance: String(instance),
    data,
    message: found ? found.message : { chat, message_id: messageId, date: 0 },
  };
  ctx.callbacks.set(id, false);
  return ctx.updates.push({ callback_query: query });
}
