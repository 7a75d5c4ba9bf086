// Local Bot API server check: getMe every interval; only `failures` failures in a row make it critical, so one
// slow answer during a restart of the server is not an incident. The token stays out of every message.
import type { SourceHealth } from '../../pipeline/intake/index.ts';
import { pingBotApi } from '../bot-api.ts';
import type { Check } from '../types.ts';
import { healthy, problem } from './result.ts';

export interface BotApiCheckOptions {
  apiRoot: string;
  token: string;
  intervalMs: number;
  failures: number;
  timeoutMs?: number;
  /** Telegram intake's state, as the bot process last wrote it; null when no bot ran. */
  intake?: () => Promise<SourceHealth | null>;
}

export function botApiCheck(o: BotApiCheckOptions): Check {
  if (!Number.isInteger(o.failures) || o.failures < 1) {
    throw new Error(`monitor.bot_api.failures must be a whole number of 1 or more, got ${o.failures}`);
  }
  if (!o.token)
    throw new Error('the Bot API check needs the bot token: set TELEGRAM_BOT_TOKEN or turn monitor.bot_api.check off');
  const target = o.apiRoot.replace(/\/+$/, '');
  // A getMe answers in milliseconds; waiting longer than the interval would overlap the next run.
  const timeoutMs = o.timeoutMs ?? Math.min(5_000, Math.max(1_000, o.intervalMs));
  let inARow = 0;

  return {
    id: 'bot_api',
    intervalMs: o.intervalMs,
    async run() {
      const answer = await pingBotApi(target, o.token, timeoutMs);
      if (answer.ok) {
        // Down before: the incident stays open until updates flow again, not just until getMe answers.
        const intake = inARow >= o.failures ? await o.intake?.() : null;
        if (intake && intake.state !== 'running' && intake.state !== 'stopped') {
          return [
            problem({
              rule: 'bot_api',
              errorType: 'bot_api_down',
              severity: 'critical',
              target,
              message: `the Bot API server at ${target} answers getMe again, but Telegram intake is not running yet: ${intake.detail ?? intake.state}`,
              fields: { api_root: target, intake: intake.state },
            }),
          ];
        }
        inARow = 0;
        return [healthy('bot_api', target)];
      }
      inARow++;
      if (inARow < o.failures) return [];
      return [
        problem({
          rule: 'bot_api',
          errorType: 'bot_api_down',
          severity: 'critical',
          target,
          message: `${answer.error}; ${inARow} failed getMe calls in a row`,
          fields: { api_root: target, failures: String(inARow) },
        }),
      ];
    },
  };
}
