// sendMediaGroup: each InputMedia is sent as the single-file method would, and the messages share a media_group_id.
import type { Message } from '@grammyjs/types';
import type { Ctx } from './context.ts';
import { badRequest } from './errors.ts';
import { isRecord, json } from './params.ts';
import type { Params } from './params.ts';

type Send = (p: Params, ctx: Ctx) => Message;

let groupSeq = 0;

export function sendMediaGroup(p: Params, ctx: Ctx, senders: Record<'photo' | 'video' | 'document', Send>): Message[] {
  const media = json(p, 'media', 'media JSON object');
  if (!Array.isArray(media) || media.length === 0) throw badRequest('expected an Array of InputMedia');
  if (media.length > 10) throw badRequest('too many messages to send as an album');
  const items = media.map((item: unknown): { type: 'photo' | 'video' | 'document'; item: Record<string, unknown> } => {
    if (!isRecord(item) || typeof item.type !== 'string')
      throw badRequest("can't parse InputMedia: media type isn't specified");
    const type = item.type;
    if (type !== 'photo' && type !== 'video' && type !== 'document')
      throw badRequest(`can't parse InputMedia: unsupported media type "${type}"`);
    if (item.media === undefined) throw badRequest("can't parse InputMedia: media isn't specified");
    return { type, item };
  });
  const documents = items.filter((i) => i.type === 'document').length;
  if (documents > 0 && documents < items.length) throw badRequest("can't send documents in an album with other media");
  const mediaGroupId = String(14_200_000_000_000_000n + BigInt(++groupSeq));
  return items.map(({ type, item }) => {
    const single: Params = { chat_id: p.chat_id, [type]: item.media };
    for (const key of ['caption', 'parse_mode', 'caption_entities', 'duration', 'width', 'height'])
      if (item[key] !== undefined) single[key] = item[key];
    for (const key of ['message_thread_id', 'reply_parameters', 'reply_to_message_id'])
      if (p[key] !== undefined) single[key] = p[key];
    const message = senders[type](single, ctx);
    message.media_group_id = mediaGroupId;
    return message;
  });
}
