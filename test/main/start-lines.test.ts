// log.format pretty: stdout gets readable lines while logs/centinela.log keeps JSON; a start ends with where the
// control API is, where its token is, and what is off and why.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { startService } from '../support/service.ts';
import type { RunningService } from '../support/service.ts';

describe('start lines', () => {
  let svc: RunningService | null = null;
  afterEach(async () => {
    await svc?.stop();
    svc = null;
  });

  test('pretty on stdout, JSON in the file, and the summary of the start', async () => {
    svc = await startService({ env: { CENTINELA_LOG_FORMAT: 'pretty' } });
    const s = svc;
    const started = await s.waitForLine((l) => l.includes('main: centinela started'));
    expect(started).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} INFO {2}main: centinela started version=/);
    const api = await s.waitForLine((l) => l.includes('control API at'));
    expect(api).toContain(`control API at ${s.url}; its token is in ${join(s.cwd, 'data/api-token')}`);
    const web = await s.waitForLine((l) => l.includes('web page at'));
    expect(web).toContain(`web page at ${s.url}/; sign in with /web sent to the bot in Telegram`);
    const off = await s.waitForLine((l) => l.includes('main: off:'));
    expect(off).toContain('bot: TELEGRAM_BOT_TOKEN is not set');
    expect(off).toContain('photo invoices: OPENAI_API_KEY is not set');
    const file = readFileSync(join(s.cwd, 'logs/centinela.log'), 'utf8').trim().split('\n');
    const records = file.map((l) => JSON.parse(l) as { msg: string; component: string });
    expect(records.some((r) => r.component === 'main' && r.msg === 'centinela started')).toBe(true);
    expect(records.some((r) => r.msg.startsWith('control API at'))).toBe(true);
  }, 60_000);
});
