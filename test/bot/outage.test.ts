// Telegram intake through Bot API outages (issue 10.1, 10.2): the real service against the fake Bot API failing the
// way a local telegram-bot-api behind nginx does — 502 pages, JSON 5xx, hung requests — and coming back.
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeBotApi } from '../fakes/telegram/index.ts';
import type { FakeBotApi } from '../fakes/telegram/index.ts';
import type { Service } from '../../src/main.ts';
import { ADMIN, MODEL, STAFF, mp4, startBotService, textOf } from '../support/bot-service.ts';
import { eventually } from '../support/stores.ts';

let fake: FakeBotApi | null = null;
let service: Service | null = null;

afterEach(async () => {
  await service?.stop('test over');
  await fake?.close();
  service = null;
  fake = null;
});

const botState = (s: Service): { state: string; detail?: string } =>
  s.modules.find((m) => m.name === 'bot')?.status() ?? { state: 'missing' };

async function healthz(s: Service): Promise<{ status: string; degraded?: string[] }> {
  const res = await fetch(`${s.http!.url}/healthz`);
  return (await res.json()) as { status: string; degraded?: string[] };
}

/** Figures the issue asks for, printed for the report. */
function figure(name: string, value: number): void {
  console.log(`figure ${name}=${value}`);
}

describe('Telegram intake through Bot API outages', () => {
  it('keeps asking getMe through an outage at start (nginx 502 pages), says it is not running, then takes files', async () => {
    fake = await startFakeBotApi();
    fake.fail('*', { status: 502, html: true }, 1_000_000);
    service = (await startBotService(fake)).service;
    const s = service;
    await eventually(() => fake!.requests('getMe') >= 4, 'getMe asked again and again');
    expect(botState(s).state).toBe('degraded');
    expect(botState(s).detail).toMatch(/Telegram intake is not running: the Bot API does not answer/);
    const health = await healthz(s);
    expect(health.status).toBe('degraded');
    expect(health.degraded?.join(' ')).toMatch(/bot: Telegram intake is not running/);
    expect((await s.status()).modules.find((m) => m.name === 'bot')?.state).toBe('degraded');

    fake.heal();
    const recovered = Date.now();
    await eventually(() => fake!.polling, 'polling after recovery', 10_000);
    const toFirstPoll = Date.now() - recovered;
    figure('start_outage_recovery_to_poll_ms', toFirstPoll);
    expect(toFirstPoll).toBeLessThanOrEqual(6000);

    fake.video(MODEL, { bytes: mp4('after the outage'), fileName: 'after.mp4', mimeType: 'video/mp4' });
    await fake.waitFor((c) => c.params.chat_id === MODEL.id && textOf(c).includes('Got your video'), 10_000);
    await eventually(() => botState(s).state === 'running', 'bot running');
    expect((await healthz(s)).status).toBe('ok');
  });

  it('stops for good only on 401, and says why', async () => {
    fake = await startFakeBotApi();
    fake.fail('getMe', { status: 401, description: 'Unauthorized' });
    service = (await startBotService(fake)).service;
    const s = service;
    await eventually(() => botState(s).state === 'off', 'intake off');
    expect(botState(s).detail).toMatch(/refused the token \(401\)/);
    expect(fake.requests('getMe')).toBe(1);
  });

  it('polls again within 5 s of the Bot API coming back after failing polls (JSON 502s)', async () => {
    fake = await startFakeBotApi();
    service = (await startBotService(fake)).service;
    const s = service;
    await eventually(() => fake!.polling, 'polling');
    const before = fake.requests('getUpdates');
    fake.fail('getUpdates', { status: 502, description: 'Bad Gateway' }, 1_000_000);
    // End the waiting poll: the next ones meet the outage.
    fake.text(STAFF, 'hola');
    await eventually(() => fake!.requests('getUpdates') >= before + 6, 'six failed polls', 60_000);
    expect(botState(s).state).toBe('degraded');
    fake.heal();
    const recovered = Date.now();
    await eventually(() => fake!.polling, 'polling after recovery', 60_000);
    const toFirstPoll = Date.now() - recovered;
    figure('poll_outage_recovery_to_poll_ms', toFirstPoll);
    expect(toFirstPoll).toBeLessThanOrEqual(6000);
    await eventually(() => botState(s).state === 'running', 'bot running again');
  });

  it('cuts a hung poll a little after its long-poll timeout and hears the next message', async () => {
    fake = await startFakeBotApi();
    service = (await startBotService(fake, { CENTINELA_TELEGRAM_POLL_TIMEOUT_SECONDS: '2' })).service;
    await eventually(() => fake!.polling, 'polling');
    fake.fail('getUpdates', { timeout: true });
    await eventually(() => fake!.hanging === 1, 'a poll hangs', 40_000);
    const hungAt = Date.now();
    fake.text(ADMIN, 'hola');
    await fake.waitFor((c) => c.params.chat_id === ADMIN.id && textOf(c).startsWith('Envíame un archivo'), 15_000);
    figure('hung_poll_deaf_ms', Date.now() - hungAt);
  });
});
