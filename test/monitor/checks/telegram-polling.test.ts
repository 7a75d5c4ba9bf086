// The monitor's view of Telegram intake (issue 10.1, 10.2): the bot_api incident stays open until updates flow, and
// a bot that hears nothing for telegram.poll_stalled_after is a telegram_polling_stalled incident.
import { afterEach, describe, expect, it } from 'vitest';
import { botApiCheck, telegramPollingCheck } from '../../../src/monitor/checks/index.ts';
import type { SourceHealth } from '../../../src/pipeline/intake/index.ts';
import { startFakeBotApi } from '../../fakes/telegram/index.ts';
import type { FakeBotApi } from '../../fakes/telegram/index.ts';

let fake: FakeBotApi | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

const NOW = 1_800_000_000_000;
const health = (h: Partial<SourceHealth>): SourceHealth => ({
  state: 'running',
  since: NOW - 600_000,
  detail: null,
  lastOkAt: NOW - 1000,
  ...h,
});

describe('telegram_polling check', () => {
  const check = (h: SourceHealth | null) =>
    telegramPollingCheck({ intake: async () => h, stalledMs: 120_000, intervalMs: 1000, now: () => NOW });

  it('is healthy while polls come back, or when no bot ever ran', async () => {
    expect(await check(health({})).run()).toEqual([{ ok: true, rule: 'telegram_polling', target: 'telegram' }]);
    expect((await check(null).run())[0]?.ok).toBe(true);
    expect((await check(health({ state: 'waiting', since: NOW - 60_000 })).run())[0]?.ok).toBe(true);
  });

  it('raises telegram_polling_stalled when no poll came back for the configured time, with the reason', async () => {
    const [waiting] = await check(
      health({
        state: 'waiting',
        since: NOW - 180_000,
        lastOkAt: NOW - 200_000,
        detail: 'polls fail: 502 Bad Gateway',
      }),
    ).run();
    expect(waiting?.ok).toBe(false);
    if (waiting?.ok !== false) return;
    expect(waiting.finding.errorType).toBe('telegram_polling_stalled');
    expect(waiting.finding.severity).toBe('critical');
    expect(waiting.finding.message).toMatch(/no updates for 3m .*502 Bad Gateway/);
    // "Running" but silent: the bot's own loop hangs.
    const [silent] = await check(health({ lastOkAt: NOW - 130_000 })).run();
    expect(silent?.ok).toBe(false);
  });
});

describe('bot_api check', () => {
  it('keeps the incident open after getMe answers again until Telegram intake runs', async () => {
    fake = await startFakeBotApi();
    let intake: SourceHealth = health({ state: 'waiting', detail: 'the Bot API does not answer: 502 Bad Gateway' });
    const check = botApiCheck({
      apiRoot: fake.apiRoot,
      token: fake.token,
      intervalMs: 1000,
      failures: 2,
      intake: async () => intake,
    });
    fake.fail('getMe', { status: 502, html: true }, 2);
    expect(await check.run()).toEqual([]);
    expect((await check.run())[0]?.ok).toBe(false);
    // getMe answers; the bot has not polled yet.
    const [still] = await check.run();
    expect(still?.ok).toBe(false);
    if (still?.ok === false)
      expect(still.finding.message).toMatch(/answers getMe again, but Telegram intake is not running yet/);
    intake = health({});
    expect((await check.run())[0]?.ok).toBe(true);
  });
});
