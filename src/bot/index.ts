// The bot's public face. grammY and its plugins load only when the bot runs (loadBotModule): an idle service
// without a token does not pay their memory.
export { TELEGRAM_CONFLICT_EXIT_CODE, WEBHOOK_PATH, webhookSecret } from './constants.ts';
export { outboxMigration } from './outbox/migration.ts';
export { escapeHtml } from './outbox/html.ts';
import type { Logger } from '../core/log.ts';
import type { Store } from '../core/store/index.ts';
import type { BotModule } from './bot.ts';
import type { InlineButton } from './outbox/types.ts';

export type { BotDeps, BotModule } from './bot.ts';
export type { BotCommand, CommandCall } from './commands.ts';
export type { InlineButton } from './outbox/types.ts';

export interface AlertOptions {
  /** Inline buttons under the alert, rows of { text, data }; a press comes back to the bot as callback `data` (≤ 64 bytes). */
  buttons?: InlineButton[][];
}

/**
 * Queues an HTML alert for the admin chats in the durable outbox, from any module or process: whichever
 * process runs the bot delivers it. Loads the outbox only when an alert is raised. Bad buttons throw here.
 */
export async function alertAdmins(
  store: Store,
  log: Logger,
  chats: readonly number[],
  html: string,
  dedupKey?: string,
  options: AlertOptions = {},
): Promise<void> {
  const { Outbox } = await import('./outbox/index.ts');
  const outbox = new Outbox({ store, api: null, log, fallbackWebhook: '', fallbackAfterMs: 0 });
  await outbox.enqueueMany(chats, { text: html, format: 'html', dedupKey, buttons: options.buttons });
}

export async function loadBotModule(): Promise<typeof BotModule> {
  return (await import('./bot.ts')).BotModule;
}
