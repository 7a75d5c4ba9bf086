// The Drive source in the service, through the real bot and the fake Bot API and Drive: drive.schedule's tick takes
// a new invoice within one tick, /sync answers with the run's summary when it ends, /sync dry changes nothing,
// a staff member cannot run it, and /status shows the last run.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startService } from '../../src/main.ts';
import type { Service } from '../../src/main.ts';
import { IntakeRecords } from '../../src/pipeline/intake/index.ts';
import { startFakeBotApi } from '../fakes/telegram/index.ts';
import type { FakeBotApi, FakeUser } from '../fakes/telegram/index.ts';
import { startFakeDrive } from '../fakes/drive/index.ts';
import type { FakeDrive } from '../fakes/drive/index.ts';
import { ADMIN, STAFF, botEnv, textOf } from '../support/bot-service.ts';
import { tempDir } from '../support/service.ts';
import { eventually } from '../support/stores.ts';

let service: Service | null = null;
let bot: FakeBotApi | null = null;
let drive: FakeDrive | null = null;
afterEach(async () => {
  await service?.stop('test over');
  await bot?.close();
  await drive?.close();
  service = bot = drive = null;
});

describe('Drive in the service', () => {
  it('a scheduled tick takes a new invoice; /sync and /sync dry answer with the summary; /status shows the run', async () => {
    bot = await startFakeBotApi();
    drive = await startFakeDrive();
    const api = bot;
    const d = drive;
    const dir = tempDir('centinela-drive-service-');
    const key = join(dir, 'key.json');
    writeFileSync(key, JSON.stringify(d.serviceAccountKey));
    const root = d.addFolder({ name: 'Facturas' });
    d.addFile({ name: 'first.pdf', parent: root, content: 'first invoice' });
    const env = botEnv(bot, dir, {
      GOOGLE_APPLICATION_CREDENTIALS: key,
      CENTINELA_DRIVE_FOLDERS: JSON.stringify([root]),
      CENTINELA_DRIVE_API_ROOT: d.rootUrl,
      CENTINELA_DRIVE_SCHEDULE: '*/2 * * * * *', // every 2 s
      CENTINELA_DRIVE_SLEEP_BETWEEN_BATCH_SECONDS: '0',
      CENTINELA_DRIVE_REQUESTS_PER_SECOND: '0',
    });
    service = await startService({ env, cwd: dir, only: ['bot', 'invoices'] });
    const s = service;
    const taken = async (): Promise<string[]> =>
      (
        await new IntakeRecords(s.store).db
          .selectFrom('files')
          .select('file_name')
          .where('source', '=', 'drive')
          .orderBy('id')
          .execute()
      ).map((r) => r.file_name ?? '');
    await eventually(async () => (await taken()).includes('first.pdf'), 'the first tick takes first.pdf', 30_000);
    d.addFile({ name: 'second.xml', parent: root, content: '<cfdi/>' });
    const added = Date.now();
    await eventually(async () => (await taken()).includes('second.xml'), 'the next tick takes second.xml', 30_000);
    expect(Date.now() - added).toBeLessThan(15_000);

    await eventually(() => api.polling, 'the bot polls');
    const ask = async (from: FakeUser, command: string): Promise<string[]> => {
      const before = api.calls.length;
      api.command(from, command);
      await api.waitFor(
        (c) => api.calls.indexOf(c) >= before && c.method === 'sendMessage' && c.params.chat_id === from.id,
      );
      return api.calls
        .slice(before)
        .filter((c) => c.method === 'sendMessage' && c.params.chat_id === from.id)
        .map(textOf);
    };
    d.addFile({ name: 'third.pdf', parent: root, content: 'third' });
    await eventually(async () => (await taken()).includes('third.pdf'), 'taken', 30_000);
    // A scheduled run may hold the lock at that moment: /sync then says so, and the admin asks again.
    const started = async (command: string): Promise<void> => {
      for (let i = 0; i < 20; i++) {
        const reply = await ask(ADMIN, command);
        if (/Sincronización de Drive iniciada/.test(reply[0] ?? '')) return;
        expect(reply[0]).toMatch(/Ya hay una sincronización de Drive en marcha/);
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`${command} never started`);
    };
    await started('/sync dry');
    const summary = await api.waitFor(
      (c) =>
        c.method === 'sendMessage' &&
        c.params.chat_id === ADMIN.id &&
        /Prueba \(changes\), nada cambió/.test(textOf(c)),
      30_000,
    );
    expect(textOf(summary)).toMatch(/se tomarían 0 archivos/);
    await started('/sync');
    await api.waitFor(
      (c) =>
        c.method === 'sendMessage' &&
        c.params.chat_id === ADMIN.id &&
        /Sincronización de Drive \(changes\) en/.test(textOf(c)),
      30_000,
    );
    const staff = await ask(STAFF, '/sync');
    expect(staff.join('\n')).not.toMatch(/Sincronización de Drive iniciada/);
    const status = await s.status();
    expect(status.drive?.exit_code).toBe(0);
    expect(status.drive?.mode).toBe('changes');
  }, 120_000);
});
