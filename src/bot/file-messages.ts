// A message with a file: check who sent what, record it, answer at once. No download happens here, so a
// 2 GB video never blocks a chat: the file is a row and a job before the receipt goes out.
import type { Context } from 'grammy';
import type { Config } from '../core/config.ts';
import type { Logger } from '../core/log.ts';
import type { FileKind, Intake, Notifier, Purpose } from '../pipeline/intake/index.ts';
import { formatBytes } from '../core/format.ts';
import type { Translator } from './i18n.ts';
import type { BotUser } from './users.ts';

/** Bots may download files up to 20 MB from Telegram's cloud Bot API; the local server lifts that to 2 GB. */
export const CLOUD_DOWNLOAD_LIMIT = 20 * 1024 * 1024;
const VIDEO_NAME = /\.(mp4|mov|m4v|mkv|webm|avi)$/i;
const INVOICE_MIME = /^(application\/(pdf|xml)|text\/(xml|csv|plain)|image\/(jpeg|png|webp))$/i;
const INVOICE_NAME = /\.(pdf|xml|csv|jpe?g|png|webp)$/i;

interface Incoming {
  kind: FileKind;
  /** Telegram's id of the file, to fetch it with getFile (our row number is `fileId` everywhere else). */
  telegramFileId: string;
  telegramFileUniqueId: string;
  fileName: string | null;
  mimeType: string | null;
  size: number | null;
}

export interface FileMessageDeps {
  config: Config;
  intake: Intake;
  notifier: Notifier;
  t: Translator;
  log: Logger;
}

export async function handleFileMessage(ctx: Context, user: BotUser, d: FileMessageDeps): Promise<void> {
  const msg = ctx.message;
  const incoming = msg ? fileOf(msg) : null;
  if (!msg || !incoming || !ctx.from) return;
  const t = (key: string, vars?: Record<string, string | number>): string => d.t.t(user.language, key, vars);
  const purpose = purposeOf(user, incoming);
  if (!purpose) {
    await ctx.reply(t(user.role === 'model' ? 'wrong-kind-model' : 'wrong-kind-staff'));
    return;
  }
  const limitKind = purpose === 'video' ? 'video' : incoming.kind; // a video sent as a document is still a video
  const max = d.config.intake.max_bytes[limitKind];
  if (incoming.size !== null && incoming.size > max) {
    await ctx.reply(t('too-big', { size: formatBytes(incoming.size), max: formatBytes(max) }));
    return;
  }
  if (!d.config.telegram.local_mode && incoming.size !== null && incoming.size > CLOUD_DOWNLOAD_LIMIT) {
    await ctx.reply(t('too-big-cloud', { size: formatBytes(incoming.size) }));
    await d.notifier.alertAdmins(
      'admin-cloud-limit',
      { name: user.name, size: formatBytes(incoming.size) },
      `cloud-limit:${new Date().toISOString().slice(0, 10)}`,
    );
    return;
  }

  // The receipt is written with the file, in one transaction, and sent by the outbox: a crash right after the
  // file is recorded cannot lose it, and a re-delivered update cannot repeat it.
  const paused = await d.intake.paused();
  const chatId = msg.chat.id;
  const result = await d.intake.receive(
    {
      source: 'telegram',
      kind: incoming.kind,
      purpose,
      senderId: ctx.from.id,
      senderName: user.name,
      chatId,
      messageId: msg.message_id,
      updateId: ctx.update.update_id,
      mediaGroupId: msg.media_group_id ?? null,
      telegramFileId: incoming.telegramFileId,
      telegramFileUniqueId: incoming.telegramFileUniqueId,
      fileName: incoming.fileName,
      mimeType: incoming.mimeType,
      size: incoming.size,
      folder: purpose === 'video' ? (user.folder ?? null) : null,
      caption: msg.caption ?? null,
    },
    user.language,
    async (trx, { file, batch, newBatch }) => {
      // An album item that comes after its album's receipt went out gets a receipt of its own (issue 10.7).
      const album = msg.media_group_id !== undefined && batch.state === 'open';
      const receipt = receiptOf(purpose, incoming, batch.id, paused !== null, album, newBatch);
      if (receipt)
        await d.notifier.send(chatId, user.language, receipt.key, receipt.vars, `receipt:file:${file.id}`, trx);
    },
  );
  if (!result.created) {
    d.log.info(
      { update_id: ctx.update.update_id, file_id: result.file.id },
      'update seen before: nothing recorded twice',
    );
    return;
  }
  d.notifier.committed?.();
  d.log.info(
    {
      file_id: result.file.id,
      batch: result.batch.id,
      kind: incoming.kind,
      purpose,
      bytes: incoming.size,
      user: user.name,
    },
    'file received',
  );
}

/** What a file's sender is told at once: nothing for an album item (the album gets one receipt when complete). */
function receiptOf(
  purpose: Purpose,
  incoming: Incoming,
  batchId: string,
  paused: boolean,
  album: boolean,
  newBatch: boolean,
): { key: string; vars: Record<string, string | number> } | null {
  if (paused) return !album || newBatch ? { key: 'paused-later', vars: { reason: 'pause' } } : null;
  if (album) return null;
  if (purpose === 'invoice') return { key: 'receipt-invoice', vars: { batch: batchId } };
  // Telegram does not always give a size: then none is shown (never "0 B").
  return incoming.size
    ? { key: 'receipt-video', vars: { size: formatBytes(incoming.size) } }
    : { key: 'receipt-video-nosize', vars: {} };
}

function fileOf(msg: NonNullable<Context['message']>): Incoming | null {
  if (msg.video) {
    const v = msg.video;
    return {
      kind: 'video',
      telegramFileId: v.file_id,
      telegramFileUniqueId: v.file_unique_id,
      fileName: v.file_name ?? null,
      mimeType: v.mime_type ?? null,
      size: v.file_size ?? null,
    };
  }
  if (msg.document) {
    const f = msg.document;
    return {
      kind: 'document',
      telegramFileId: f.file_id,
      telegramFileUniqueId: f.file_unique_id,
      fileName: f.file_name ?? null,
      mimeType: f.mime_type ?? null,
      size: f.file_size ?? null,
    };
  }
  if (msg.photo?.length) {
    const p = msg.photo[msg.photo.length - 1]; // the largest size comes last
    if (!p) return null;
    return {
      kind: 'photo',
      telegramFileId: p.file_id,
      telegramFileUniqueId: p.file_unique_id,
      fileName: null,
      mimeType: 'image/jpeg',
      size: p.file_size ?? null,
    };
  }
  return null;
}

/** Videos from models go to their folder; invoices from staff (and admins) to the invoice pipeline. */
function purposeOf(user: BotUser, f: Incoming): Purpose | null {
  const isVideo =
    f.kind === 'video' ||
    (f.kind === 'document' && (/^video\//i.test(f.mimeType ?? '') || VIDEO_NAME.test(f.fileName ?? '')));
  if (isVideo) return user.folder ? 'video' : null;
  if (user.role === 'model') return null;
  if (f.kind === 'photo') return 'invoice';
  return INVOICE_MIME.test(f.mimeType ?? '') || INVOICE_NAME.test(f.fileName ?? '') ? 'invoice' : null;
}
