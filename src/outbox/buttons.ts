// Inline buttons on an admin message, checked when it is enqueued: Telegram refuses the whole message for one bad
// button, and finding out only at send time would lose the alert.
import type { InlineKeyboardMarkup } from 'grammy/types';
import { z } from 'zod';
import type { InlineButton, OutboxMessage } from './types.ts';

/** Telegram takes at most 64 bytes of callback_data. */
export const MAX_CALLBACK_DATA_BYTES = 64;
const MAX_BUTTONS_PER_ROW = 8;

const buttonSchema = z
  .object({
    text: z.string().trim().min(1, 'a button has no text'),
    data: z
      .string()
      .min(1, 'a button has no callback data')
      .refine((d) => Buffer.byteLength(d, 'utf8') <= MAX_CALLBACK_DATA_BYTES, {
        error: `callback data over ${MAX_CALLBACK_DATA_BYTES} bytes: Telegram refuses it; carry an id (inc:retry:12), not the content`,
      }),
  })
  .strict();

const keyboardSchema = z
  .array(
    z
      .array(buttonSchema)
      .min(1, 'a row of buttons is empty')
      .max(MAX_BUTTONS_PER_ROW, `at most ${MAX_BUTTONS_PER_ROW} buttons a row`),
  )
  .min(1, 'no rows of buttons: leave `buttons` out instead');

/** Telegram's inline keyboard for rows of buttons; throws, saying which button is wrong, when Telegram would refuse it. */
export function inlineKeyboard(buttons: readonly (readonly InlineButton[])[]): InlineKeyboardMarkup {
  const parsed = keyboardSchema.safeParse(buttons);
  if (!parsed.success) throw new Error(`outbox: bad buttons: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`);
  return { inline_keyboard: parsed.data.map((row) => row.map((b) => ({ text: b.text, callback_data: b.data }))) };
}

/** The reply markup a message is stored with, and which part of a split message carries it. */
export function markupOf(message: Pick<OutboxMessage, 'buttons' | 'replyMarkup'>): {
  replyMarkup: string | null;
  markupOn: 'first' | 'last';
} {
  if (message.buttons !== undefined) {
    if (message.replyMarkup !== undefined)
      throw new Error('outbox: a message takes `buttons` or `replyMarkup`, not both');
    return { replyMarkup: JSON.stringify(inlineKeyboard(message.buttons)), markupOn: 'first' };
  }
  return { replyMarkup: message.replyMarkup ? JSON.stringify(message.replyMarkup) : null, markupOn: 'last' };
}
