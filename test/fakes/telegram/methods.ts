// Bot API methods other than sending and editing messages (those are in messages.ts), and the method table.
import type { BotCommand } from '@grammyjs/types';
import { Answer, scopeKey } from './context.ts';
import type { Ctx, Handler, RequestInfo } from './context.ts';
import { CONFLICT_WEBHOOK, badRequest } from './errors.ts';
import { MESSAGE_METHODS } from './messages.ts';
import { bool, chatId, int, isRecord, json, str } from './params.ts';
import type { Params } from './params.ts';

function getUpdates(p: Params, ctx: Ctx, req: RequestInfo): Promise<unknown> {
  if (ctx.webhook) throw CONFLICT_WEBHOOK();
  return ctx.updates.poll(
    { offset: int(p, 'offset'), limit: int(p, 'limit'), timeout: int(p, 'timeout') },
    req.onAbort,
  );
}

function setWebhook(p: Params, ctx: Ctx): Answer {
  const url = str(p, 'url') ?? '';
  if (bool(p, 'drop_pending_updates')) ctx.updates.dropAll();
  if (url === '') {
    const had = ctx.webhook !== undefined;
    ctx.webhook = undefined;
    return new Answer(true, had ? 'Webhook was deleted' : 'Webhook is already deleted');
  }
  if (!/^https?:\/\/[^/\s]+/i.test(url))
    throw badRequest('bad webhook: Failed to resolve host: Name or service not known');
  const secret = str(p, 'secret_token');
  if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret))
    throw badRequest('secret token contains unallowed characters');
  const same = ctx.webhook?.url === url;
  ctx.webhook = { url, maxConnections: int(p, 'max_connections') ?? 40, allowedUpdates: json(p, 'allowed_updates') };
  if (secret !== undefined) ctx.webhook.secretToken = secret;
  return new Answer(true, same ? 'Webhook is already set' : 'Webhook was set');
}

function deleteWebhook(p: Params, ctx: Ctx): Answer {
  if (bool(p, 'drop_pending_updates')) ctx.updates.dropAll();
  const had = ctx.webhook !== undefined;
  ctx.webhook = undefined;
  return new Answer(true, had ? 'Webhook was deleted' : 'Webhook is already deleted');
}

function getWebhookInfo(_p: Params, ctx: Ctx): unknown {
  const pending = ctx.updates.pending().length;
  if (!ctx.webhook) return { url: '', has_custom_certificate: false, pending_update_count: pending };
  const info: Record<string, unknown> = {
    url: ctx.webhook.url,
    has_custom_certificate: false,
    pending_update_count: pending,
    max_connections: ctx.webhook.maxConnections,
    ip_address: '127.0.0.1',
  };
  if (Array.isArray(ctx.webhook.allowedUpdates)) info.allowed_updates = ctx.webhook.allowedUpdates;
  return info;
}

function scopeOf(p: Params): unknown {
  const scope = json(p, 'scope', 'BotCommandScope JSON object');
  if (scope === undefined) return undefined;
  if (!isRecord(scope) || typeof scope.type !== 'string') throw badRequest("can't parse BotCommandScope JSON object");
  const types = [
    'default',
    'all_private_chats',
    'all_group_chats',
    'all_chat_administrators',
    'chat',
    'chat_administrators',
    'chat_member',
  ];
  if (!types.includes(scope.type)) throw badRequest('unsupported bot command scope type specified');
  return scope;
}

function setMyCommands(p: Params, ctx: Ctx): boolean {
  const raw = json(p, 'commands', 'commands JSON array');
  if (!Array.isArray(raw)) throw badRequest('Field "commands" must be of type Array');
  if (raw.length > 100) throw badRequest('too many commands');
  const commands: BotCommand[] = raw.map((c: unknown) => {
    if (!isRecord(c) || typeof c.command !== 'string' || typeof c.description !== 'string')
      throw badRequest("can't parse BotCommand");
    const command = c.command.replace(/^\//, '');
    if (!/^[a-z0-9_]{1,32}$/.test(command)) throw badRequest('BOT_COMMAND_INVALID');
    if (c.description.length < 1 || c.description.length > 256)
      throw badRequest('command description is empty or too long');
    return { command, description: c.description };
  });
  const key = scopeKey(scopeOf(p), str(p, 'language_code'));
  if (commands.length === 0) ctx.commands.delete(key);
  else ctx.commands.set(key, commands);
  return true;
}

function getMyCommands(p: Params, ctx: Ctx): BotCommand[] {
  return ctx.commands.get(scopeKey(scopeOf(p), str(p, 'language_code'))) ?? [];
}

function deleteMyCommands(p: Params, ctx: Ctx): boolean {
  ctx.commands.delete(scopeKey(scopeOf(p), str(p, 'language_code')));
  return true;
}

function answerCallbackQuery(p: Params, ctx: Ctx): boolean {
  const id = str(p, 'callback_query_id');
  if (!id) throw badRequest('QUERY_ID_INVALID');
  if (ctx.callbacks.get(id) !== false)
    throw badRequest('query is too old and response timeout expired or query ID is invalid');
  const text = str(p, 'text');
  if (text !== undefined && text.length > 200) throw badRequest('MESSAGE_TOO_LONG');
  ctx.callbacks.set(id, true);
  return true;
}

function sendChatAction(p: Params, ctx: Ctx): boolean {
  ctx.store.chat(chatId(p));
  const action = str(p, 'action');
  if (!action) throw badRequest('action is empty');
  const actions = [
    'typing',
    'upload_photo',
    'record_video',
    'upload_video',
    'record_voice',
    'upload_voice',
    'upload_document',
    'choose_sticker',
    'find_location',
    'record_video_note',
    'upload_video_note',
  ];
  if (!actions.includes(action)) throw badRequest('wrong parameter action in request');
  return true;
}

function getChat(p: Params, ctx: Ctx): unknown {
  return {
    ...ctx.store.chat(chatId(p)),
    accent_color_id: 0,
    max_reaction_count: 11,
    accepted_gift_types: {
      unlimited_gifts: false,
      limited_gifts: false,
      unique_gifts: false,
      premium_subscription: false,
      gifts_from_channels: false,
    },
  };
}

const CORE: Record<string, Handler> = {
  getMe: (_p, ctx) => ctx.bot,
  getUpdates,
  setWebhook,
  deleteWebhook,
  getWebhookInfo,
  setMyCommands,
  getMyCommands,
  deleteMyCommands,
  answerCallbackQuery,
  sendChatAction,
  getChat,
  getFile: (p, ctx) => ctx.files.getFile(str(p, 'file_id'), ctx.mode()),
  logOut: () => true,
  close: () => true,
};

const ALL: Record<string, Handler> = { ...CORE, ...MESSAGE_METHODS };
const BY_LOWER = new Map(Object.entries(ALL).map(([name, h]) => [name.toLowerCase(), { name, handler: h }]));

/** Method names are case-insensitive in the Bot API. */
export function findMethod(name: string): { name: string; handler: Handler } | undefined {
  return BY_LOWER.get(name.toLowerCase());
}
