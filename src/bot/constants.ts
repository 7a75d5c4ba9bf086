// What the rest of the service needs to know about the bot without loading grammY.
import { createHash } from 'node:crypto';

/** Exit code when another instance polls with the same token (409): restarting would only fight it. */
export const TELEGRAM_CONFLICT_EXIT_CODE = 75;

export const WEBHOOK_PATH = '/telegram/webhook';

/** The webhook's secret token, derived from the bot token: stable across restarts, known only to us and Telegram. */
export function webhookSecret(token: string): string {
  return createHash('sha256').update(`centinela-webhook:${token}`).digest('hex');
}
