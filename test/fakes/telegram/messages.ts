// Sending, editing and deleting messages: sendMessage, sendDocument, sendVideo, sendPhoto, editMessageText,
// editMessageCaption, editMessageReplyMarkup, deleteMessage.
import { statSync } from 'node:fs';
import type { Message, MessageEntity, PhotoSize } from '@grammyjs/types';
import type { Ctx, Handler } from './context.ts';
import { TOO_LARGE, badRequest } from './errors.ts';
import type { FileKind, StoredFile } from './files.ts';
import { parseHtml } from './html.ts';
import type { Formatted } from './html.ts';
import { parseMarkdown, parseMarkdownV2 } from './markdown.ts';
import { documentOf, mimeFromName, photoSizes, videoOf } from './media.ts';
import { bool, chatId, int, isRecord, json, str } from './params.ts';
import type { Params } from './params.ts';
import { sendMediaGroup } from './media-group.ts';
import { now } from './store.ts';
import type { UploadedFile } from './types.ts';

const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;
const UPLOAD_LIMIT = { cloud: 50 * 1024 * 1024, local: 2000 * 1024 * 1024 };

/** Applies parse_mode (or explicit entities) to a text or caption. */
function format(text: string, p: Params, entitiesKey: 'entities' | 'caption_entities'): Formatted {
  const mode = str(p, 'parse_mode');
  if (mode) {
    switch (mode.toLowerCase()) {
      case 'html':
        return parseHtml(text);
      case 'markdownv2':
        return parseMarkdownV2(text);
      case 'markdown':
        return parseMarkdown(text);
      default:
        throw badRequest('unsupported parse_mode');
    }
  }
  const entities = json(p, entitiesKey, 'entities JSON object');
  return { text, entities: Array.isArray(entities) ? (entities as MessageEntity[]) : [] };
}

function inlineKeyboard(p: Params): Message['reply_markup'] | undefined {
  const markup = json(p, 'reply_markup', 'reply keyboard markup JSON object');
  if (markup === undefined) return undefined;
  if (!isRecord(markup)) throw badRequest("can't parse reply keyboard markup JSON object");
  if (!Array.isArray(markup.inline_keyboard)) return undefined;
  for (const row of markup.inline_keyboard) {
    if (!Array.isArray(row))
      throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
    for (const button of row) {
      if (!isRecord(button) || typeof button.text !== 'string')
        throw badRequest("can't parse inline keyboard button: Text must be a String");
      const actions = [
        'url',
        'callback_data',
        'web_app',
        'login_url',
        'switch_inline_query',
        'switch_inline_query_current_chat',
        'switch_inline_query_chosen_chat',
        'copy_text',
        'callback_game',
        'pay',
      ];
      if (!actions.some((a) => a in button)) throw badRequest('text buttons are unallowed in the inline keyboard');
      if (
        typeof button.callback_data === 'string' &&
        (button.callback_data === '' || Buffer.byteLength(button.callback_data) > 64)
      ) {
        throw badRequest('BUTTON_DATA_INVALID');
      }
    }
  }
  return { inline_keyboard: markup.inline_keyboard } as Message['reply_markup'];
}

/** The fields every message the bot sends has, plus reply_to_message when the bot replies. */
function base(p: Params, ctx: Ctx): Message {
  const chat = ctx.store.chat(chatId(p));
  const message: Message = { message_id: 0, from: ctx.bot, chat, date: now() };
  const reply = json(p, 'reply_parameters', 'reply parameters JSON object');
  const replyTo =
    isRecord(reply) && typeof reply.message_id === 'number' ? reply.message_id : int(p, 'reply_to_message_id');
  if (replyTo !== undefined) {
    const target = ctx.store.get(chat.id, replyTo);
    const allow =
      (isRecord(reply) && reply.allow_sending_without_reply === true) || bool(p, 'allow_sending_without_reply');
    if (target) message.reply_to_message = { ...target.message, reply_to_message: undefined };
    else if (!allow) throw badRequest('message to be replied not found');
  }
  const thread = int(p, 'message_thread_id');
  if (thread !== undefined) message.message_thread_id = thread;
  const markup = inlineKeyboard(p);
  if (markup) message.reply_markup = markup;
  return message;
}

function store(ctx: Ctx, message: Message, visible: string | undefined): Message {
  message.message_id = ctx.store.nextId();
  ctx.store.put(message, visible, true);
  return message;
}

function setText(message: Message, f: Formatted): void {
  message.text = f.text;
  if (f.entities.length > 0) message.entities = f.entities;
  else delete message.entities;
}

function setCaption(message: Message, p: Params): string | undefined {
  const raw = str(p, 'caption');
  if (raw === undefined || raw === '') return undefined;
  const f = format(raw, p, 'caption_entities');
  if (f.text.length > MAX_CAPTION) throw badRequest('message caption is too long');
  message.caption = f.text;
  if (f.entities.length > 0) message.caption_entities = f.entities;
  return f.text;
}

function sendMessage(p: Params, ctx: Ctx): Message {
  const message = base(p, ctx);
  const raw = str(p, 'text');
  if (raw === undefined || raw.trim() === '') throw badRequest('message text is empty');
  const f = format(raw, p, 'entities');
  if (f.text.trim() === '') throw badRequest('message text is empty');
  if (f.text.length > MAX_TEXT) throw badRequest('message is too long');
  setText(message, f);
  return store(ctx, message, f.text);
}

function isUpload(v: unknown): v is UploadedFile {
  return isRecord(v) && v.kind === 'upload' && typeof v.path === 'string';
}

function checkUpload(v: UploadedFile, ctx: Ctx): void {
  if (v.size > UPLOAD_LIMIT[ctx.mode()]) throw TOO_LARGE();
  if (v.size === 0) throw badRequest('file must be non-empty');
}

/** The file of a send*: an upload (multipart), a file_id, or in local mode a file:// URI. */
function inputFile(p: Params, field: string, kind: FileKind, ctx: Ctx): StoredFile {
  const v = p[field];
  if (isUpload(v)) {
    checkUpload(v, ctx);
    const mimeType =
      mimeFromName(v.fileName) ?? (v.mimeType && v.mimeType !== 'application/octet-stream' ? v.mimeType : undefined);
    const stored = ctx.files.add(kind, { path: v.path, fileName: v.fileName, ...(mimeType ? { mimeType } : {}) });
    v.fileId = stored.fileId;
    return stored;
  }
  const ref = str(p, field);
  if (ref === undefined || ref === '') throw badRequest(`there is no ${field} in the request`);
  const known = ctx.files.get(ref);
  if (known) return known;
  if (ref.startsWith('file://') && ctx.mode() === 'local') {
    const path = decodeURIComponent(ref.slice('file://'.length));
    try {
      if (!statSync(path).isFile()) throw new Error('not a file');
    } catch {
      throw badRequest('file not found');
    }
    return ctx.files.add(kind, { path, fileName: path.split('/').pop() ?? 'file' });
  }
  if (ref.startsWith('attach://')) throw badRequest(`there is no ${field} in the request`);
  throw badRequest('wrong file identifier/HTTP URL specified');
}

function sendDocument(p: Params, ctx: Ctx): Message {
  const message = base(p, ctx);
  const file = inputFile(p, 'document', 'documents', ctx);
  message.document = documentOf(file);
  return store(ctx, message, setCaption(message, p));
}

function sendVideo(p: Params, ctx: Ctx): Message {
  const message = base(p, ctx);
  const file = inputFile(p, 'video', 'videos', ctx);
  message.video = videoOf(file, { duration: int(p, 'duration'), width: int(p, 'width'), height: int(p, 'height') });
  return store(ctx, message, setCaption(message, p));
}

function sendPhoto(p: Params, ctx: Ctx): Message {
  const message = base(p, ctx);
  const v = p.photo;
  let sizes: PhotoSize[];
  if (isUpload(v)) {
    checkUpload(v, ctx);
    sizes = photoSizes(ctx.files, { path: v.path, fileName: v.fileName });
    v.fileId = sizes.at(-1)?.file_id;
  } else {
    const stored = inputFile(p, 'photo', 'photos', ctx);
    sizes = [
      { file_id: stored.fileId, file_unique_id: stored.uniqueId, width: 1280, height: 960, file_size: stored.size },
    ];
  }
  message.photo = sizes;
  return store(ctx, message, setCaption(message, p));
}

/** The message an edit targets; `true` for inline messages, which the fake does not keep. */
function editTarget(p: Params, ctx: Ctx): { chatId: number; message: Message; visible: string | undefined } | true {
  if (str(p, 'inline_message_id')) return true;
  const id = chatId(p);
  const messageId = int(p, 'message_id');
  if (messageId === undefined) throw badRequest('message identifier is not specified');
  const found = ctx.store.get(id, messageId);
  if (!found) throw badRequest('message to edit not found');
  if (!found.fromBot) throw badRequest("message can't be edited");
  return { chatId: id, message: found.message, visible: found.visible };
}

const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

function editMessageText(p: Params, ctx: Ctx): Message | true {
  const raw = str(p, 'text');
  if (raw === undefined || raw.trim() === '') throw badRequest('message text is empty');
  const f = format(raw, p, 'entities');
  if (f.text.trim() === '') throw badRequest('message text is empty');
  if (f.text.length > MAX_TEXT) throw badRequest('message is too long');
  const target = editTarget(p, ctx);
  if (target === true) return true;
  const old = target.message;
  if (old.text === undefined) throw badRequest('there is no text in the message to edit');
  const markup = inlineKeyboard(p);
  const same =
    old.text === f.text &&
    JSON.stringify(old.entities ?? []) === JSON.stringify(f.entities) &&
    JSON.stringify(old.reply_markup) === JSON.stringify(markup);
  if (same) throw badRequest(NOT_MODIFIED);
  const edited: Message = { ...old, edit_date: now() };
  setText(edited, f);
  if (markup) edited.reply_markup = markup;
  else delete edited.reply_markup;
  ctx.store.put(edited, f.text, true);
  return edited;
}

function editMessageCaption(p: Params, ctx: Ctx): Message | true {
  const target = editTarget(p, ctx);
  if (target === true) return true;
  const old = target.message;
  if (old.text !== undefined) throw badRequest('there is no caption in the message to edit');
  const edited: Message = { ...old, edit_date: now() };
  delete edited.caption;
  delete edited.caption_entities;
  const caption = setCaption(edited, p);
  const markup = inlineKeyboard(p);
  if (markup) edited.reply_markup = markup;
  else delete edited.reply_markup;
  if (
    edited.caption === old.caption &&
    JSON.stringify(edited.caption_entities) === JSON.stringify(old.caption_entities) &&
    JSON.stringify(old.reply_markup) === JSON.stringify(markup)
  ) {
    throw badRequest(NOT_MODIFIED);
  }
  ctx.store.put(edited, caption, true);
  return edited;
}

function editMessageReplyMarkup(p: Params, ctx: Ctx): Message | true {
  const target = editTarget(p, ctx);
  if (target === true) return true;
  const markup = inlineKeyboard(p);
  if (JSON.stringify(target.message.reply_markup) === JSON.stringify(markup)) throw badRequest(NOT_MODIFIED);
  const edited: Message = { ...target.message, edit_date: now() };
  if (markup) edited.reply_markup = markup;
  else delete edited.reply_markup;
  ctx.store.put(edited, target.visible, true);
  return edited;
}

function deleteMessage(p: Params, ctx: Ctx): boolean {
  const id = chatId(p);
  const messageId = int(p, 'message_id');
  if (messageId === undefined) throw badRequest('message identifier is not specified');
  if (!ctx.store.delete(id, messageId)) throw badRequest('message to delete not found');
  return true;
}

export const MESSAGE_METHODS: Record<string, Handler> = {
  sendMessage,
  sendDocument,
  sendVideo,
  sendPhoto,
  sendMediaGroup: (p, ctx) => sendMediaGroup(p, ctx, { photo: sendPhoto, video: sendVideo, document: sendDocument }),
  editMessageText,
  editMessageCaption,
  editMessageReplyMarkup,
  deleteMessage,
};
