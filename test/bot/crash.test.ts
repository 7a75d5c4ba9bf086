// The bot's promises that need a real process: a SIGKILL in the middle of an album loses and repeats nothing,
// and a 409 Conflict stops the service with its own exit code after telling the admins.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TELEGRAM_CONFLICT_EXIT_CODE } from '../../src/bot/index.ts';
import { IntakeRecords } from '../../src/pipeline/intake/index.ts';
import { startFakeBotApi } from '../fakes/telegram/index.ts';
import type { FakeBotApi } from '../fakes/telegram/index.ts';
import { ADMIN, STAFF, botEnv, textOf } from '../support/bot-service.ts';
import { startService, tempDir } from '../support/service.ts';
import type { RunningService } from '../support/service.ts';
import { openSpec } from '../support/store-spec.ts';
import { eventually } from '../support/stores.ts';

let fake: FakeBotApi | null = null;
const running: RunningService[] = [];

afterEach(async () => {
  for (const s of running.splice(0)) await s.stop('SIGKILL');
  await fake?.close();
  fake = null;
});

/** Runs `centinela start` as a child process with the Telegram intake pointed at the fake. */
async function child(dir: string, extra: Record<string, string> = {}): Promise<RunningService> {
  // startService picks a free port and reads the log lines from stdout.
  const { CENTINELA_HTTP_PORT: _port, ...env } = botEnv(fake as FakeBotApi, dir, extra);
  const s = await startService({ cwd: dir, env: { ...env, CENTINELA_LOG_STDOUT: 'true' } });
  running.push(s);
  return s;
}

describe('bot crash safety', () => {
  it('finishes an album after a SIGKILL mid-way, with nothing stored or sent twice', async () => {
    fake = await startFakeBotApi();
    const dir = tempDir('centinela-crash-');
    // A short lease, so the jobs of the killed process come back within the test.
    const first = await child(dir, { CENTINELA_QUEUE_LEASE_SECONDS: '3' });
    // Slow getFile: the downloads are in flight when the process dies.
    fake.fail('getFile', { stallMs: 1500 }, 6);
    const items = Array.from({ length: 10 }, (_, i) => ({
      kind: 'document' as const,
      file: { bytes: Buffer.from(`%PDF-1.4 crash ${i}\n`), fileName: `f-${i}.pdf`, mimeType: 'application/pdf' },
    }));
    fake.album(STAFF, items);
    await fake.waitFor((c) => c.method === 'getFile', 10_000);
    first.proc.kill('SIGKILL');
    await first.stop('SIGKILL');

    const second = await child(dir, { CENTINELA_QUEUE_LEASE_SECONDS: '3' });
    const summary = await fake.waitFor((c) => c.params.chat_id === STAFF.id && textOf(c).includes('terminado'), 30_000);
    expect(textOf(summary)).toMatch(/10 guardados, 0 repetidos, 0 con problemas/);
    await second.stop('SIGTERM');

    const store = await openSpec({ kind: 'sqlite', dataDir: join(dir, 'data') });
    try {
      // Each of the 10 files recorded and stored once (the invoice pipeline may have moved them on since).
      const stored = await new IntakeRecords(store).db.selectFrom('files').select(['sha256', 'state']).execute();
      expect(stored).toHaveLength(10);
      expect(new Set(stored.map((f) => f.sha256)).size).toBe(10);
      expect(stored.every((f) => f.state === 'stored')).toBe(true);
      const files = await store.db
        .selectFrom('jobs')
        .select(['queue', 'key'])
        .where('queue', '=', 'invoice.process')
        .execute();
      expect(files).toHaveLength(10);
      expect(new Set(files.map((f) => f.key)).size).toBe(10);
    } finally {
      await store.close();
    }
    const receipts = fake
      .sent(STAFF.id)
      .map(textOf)
      .filter((t) => t.startsWith('Recibí 10 facturas'));
    expect(receipts.length).toBeGreaterThanOrEqual(1);
    expect(receipts.length).toBeLessThanOrEqual(2); // at least once: a kill right after sending may repeat it
  });

  it('exits with its own code on 409 Conflict after logging it and alerting the admins', async () => {
    fake = await startFakeBotApi();
    const dir = tempDir('centinela-409-');
    const s = await child(dir);
    fake.fail('getUpdates', {
      status: 409,
      description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    });
    const exit = await s.stop('SIGCONT'); // a harmless signal: just wait for the exit
    expect(exit.code).toBe(TELEGRAM_CONFLICT_EXIT_CODE);
    const error = s.lines
      .map((l) => JSON.parse(l) as { level: string; msg: string })
      .find((l) => l.level === 'ERROR' && l.msg.includes('409 Conflict'));
    expect(error?.msg).toContain('Another instance polls with this token');
    await eventually(
      () => fake!.sent(ADMIN.id).some((c) => textOf(c).includes('Centinela detuvo su recepción de Telegram')),
      'admin alerted',
    );
  });
});
