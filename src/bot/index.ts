// The bot's public face. grammY and its plugins load only when the bot runs (loadBotModule): an idle service
// without a token does not pay their memory.
export { TELEGRAM_CONFLICT_EXIT_CODE, WEBHOOK_PATH, webhookSecret } from './constants.ts';
import type { BotModule } from './bot.ts';

export type { BotDeps, BotModule } from './bot.ts';
export type { BotCommand, CommandCall } from './commands.ts';

export async function loadBotModule(): Promise<typeof BotModule> {
  return (await import('./bot.ts')).BotModule;
}
