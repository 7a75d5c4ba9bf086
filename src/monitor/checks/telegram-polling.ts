// Telegram polling check: the bot process writes whether updates flow (pipeline/intake source health); a bot that
// has not had a poll come back for telegram.poll_stalled_after is deaf, whatever getMe says.
import type { SourceHealth } from '../../pipeline/intake/index.ts';
import type { Check } from '../types.ts';
import { healthy, problem } from './result.ts';
import { formatDuration } from '../../core/format.ts';

export interface TelegramPollingCheckOptions {
  intake: () => Promise<SourceHealth | null>;
  stalledMs: number;
  intervalMs: number;
  now?: () => number;
}

const TARGET = 'telegram';

export function telegramPollingCheck(o: TelegramPollingCheckOptions): Check {
  const now = o.now ?? Date.now;
  return {
    id: 'telegram_polling',
    intervalMs: o.intervalMs,
    async run() {
      const h = await o.intake();
      if (!h || h.state === 'stopped') return [healthy('telegram_polling', TARGET)];
      const at = now();
      const quietFor = at - (h.state === 'running' ? (h.lastOkAt ?? h.since) : Math.max(h.since, h.lastOkAt ?? 0));
      if (quietFor < o.stalledMs) return [healthy('telegram_polling', TARGET)];
      const why = h.state === 'running' ? 'no poll has come back' : (h.detail ?? h.state);
      return [
        problem({
          rule: 'telegram_polling',
          errorType: 'telegram_polling_stalled',
          severity: 'critical',
          target: TARGET,
          message: `Telegram intake has received no updates for ${formatDuration(quietFor)} (limit ${formatDuration(o.stalledMs)}): ${why}`,
          fields: { state: h.state, last_ok_at: h.lastOkAt === null ? '' : new Date(h.lastOkAt).toISOString() },
        }),
      ];
    },
  };
}
