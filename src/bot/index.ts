export { BotModule, TELEGRAM_CONFLICT_EXIT_CODE, WEBHOOK_PATH, webhookSecret } from './bot.ts';
export type { BotDeps } from './bot.ts';
export { outboxMigration } from './outbox/migration.ts';
export type { BotCommand, CommandCall } from './commands.ts';
