// The admins' content commands through the real bot and the fake Bot API: /queue lists the next posts in their
// creator's zone, /reschedule moves one (and its job), /caption replaces a caption, /skip cancels, /postnow
// publishes now; staff may not use them.
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { startService } from '../../src/main.ts';
import type { Service } from '../../src/main.ts';
import { PostRecords } from '../../src/pipeline/content/index.ts';
import { startFakeBotApi } from '../fakes/telegram/index.ts';
import type { FakeBotApi, FakeUser } from '../fakes/telegram/index.ts';
import { ADMIN, STAFF, botEnv, textOf } from '../support/bot-service.ts';
import { tempDir } from '../support/service.ts';
import { eventually } from '../support/stores.ts';

const CHANNEL = '-1001234567890';
let fake: FakeBotApi | null = null;
let service: Service | null = null;
afterEach(async () => {
  await service?.stop('test over');
  await fake?.close();
  service = null;
  fake = null;
});

describe('content commands', () => {
  it('/queue, /reschedule, /caption, /skip and /postnow', async () => {
    fake = await startFakeBotApi();
    const api = fake;
    const dir = tempDir('centinela-content-commands-');
    const env = botEnv(fake, dir, {
      CENTINELA_CONTENT_CHANNEL: CHANNEL,
      CENTINELA_CONTENT_CREATORS: JSON.stringify([{ folder: 'victor', timezone: 'Europe/Madrid', slots: ['10:00'] }]),
    });
    service = await startService({ env, cwd: dir, only: ['bot', 'content'] });
    await eventually(() => api.polling, 'the bot polls');
    const ask = async (from: FakeUser, command: string): Promise<string> => {
      const before = api.calls.length;
      api.command(from, command);
      const reply = await api.waitFor(
        (c) => api.calls.indexOf(c) >= before && c.method === 'sendMessage' && c.params.chat_id === from.id,
      );
      return textOf(reply);
    };
    const posts = new PostRecords(service.store);
    const later = Date.now() + 86_400_000;
    const a = (
      await posts.create({ fileId: 1000, creator: 'victor', target: CHANNEL, state: 'scheduled', plannedAt: later })
    ).post;
    // A video the intake stored from Telegram: the post publishes it by its file_id.
    const video = api.video({ id: 4004, first_name: 'Nobody' }, { bytes: Buffer.from('mp4'), fileName: 'b.mp4' });
    // The bot refuses that stranger and tells the admins: wait for it, so that it is not taken for a reply below.
    await api.waitFor((c) => c.method === 'sendMessage' && c.params.chat_id === ADMIN.id && textOf(c).includes('4004'));
    const { rows } = await sql<{ id: number }>`
      insert into files (source, kind, purpose, state, file_id, folder, created_at, updated_at)
      values ('telegram', 'video', 'video', 'stored', ${video.message?.video?.file_id ?? ''}, 'victor', 0, 0)
      returning id`.execute(service.store.db);
    const fileId = rows[0]?.id ?? 0;
    const b = (await posts.create({ fileId, creator: 'victor', target: CHANNEL, state: 'scheduled', plannedAt: later }))
      .post;

    expect(await ask(STAFF, '/queue')).not.toContain(`#${a.id}`);
    const queue = await ask(ADMIN, '/queue victor');
    expect(queue).toContain(`#${a.id} victor · scheduled ·`);
    expect(queue).toContain('(Europe/Madrid)');

    expect(await ask(ADMIN, `/reschedule ${a.id} 2099-01-10 10:00`)).toContain(`Publicación #${a.id} planeada para`);
    expect((await posts.get(a.id))?.planned_at).toBe(Date.parse('2099-01-10T09:00:00Z'));
    expect(await ask(ADMIN, `/reschedule ${a.id} mañana`)).toContain('no es una hora');

    expect(await ask(ADMIN, `/caption ${a.id} Nuevo <texto>`)).toContain(`Texto de la publicación #${a.id} cambiado`);
    expect(await posts.get(a.id)).toMatchObject({ caption: 'Nuevo &lt;texto&gt;', caption_from_template: 0 });

    expect(await ask(ADMIN, `/skip ${a.id}`)).toContain(`Publicación #${a.id} cancelada`);
    expect((await posts.get(a.id))?.state).toBe('cancelled');
    expect(await ask(ADMIN, `/skip ${a.id}`)).toContain('está ahora cancelled');

    await ask(ADMIN, `/postnow ${b.id}`);
    await eventually(async () => (await posts.get(b.id))?.state === 'sent', 'published now');
    expect(api.requests('sendVideo')).toBe(1);
  });
});
