// A process's first heartbeat is written before its modules start: a module claims jobs as it starts (the poster
// its due posts) while others may still be starting (the bot waits for the Bot API), and a restarted process takes
// back only the jobs of a predecessor whose heartbeat it can see stop (queue/dead-workers). Without a row, a
// process killed while starting would hold its jobs for their whole lease (a publish job's: 90 s).
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { startService } from '../../src/main.ts';
import type { Service } from '../../src/main.ts';
import { PostRecords } from '../../src/pipeline/content/index.ts';
import { startFakeBotApi } from '../fakes/telegram/index.ts';
import type { FakeBotApi } from '../fakes/telegram/index.ts';
import { botEnv } from '../support/bot-service.ts';
import { tempDir } from '../support/service.ts';
import { openSpec } from '../support/store-spec.ts';
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

describe('start-up', () => {
  it('writes the heartbeat before a module claims a job, while another module is still starting', async () => {
    fake = await startFakeBotApi();
    const api = fake;
    const dir = tempDir('centinela-heartbeat-first-');
    const update = fake.video({ id: 500, first_name: 'Victor' }, { bytes: Buffer.from('mp4'), fileName: 'a.mp4' });
    await fetch(`${fake.apiRoot}/bot${fake.token}/getUpdates?offset=${(update.update_id ?? 0) + 1}&timeout=0`);
    // A post due now: the content module's poster claims its publish job as it starts.
    const store = await openSpec({ kind: 'sqlite', dataDir: join(dir, 'data') });
    const { rows } = await sql<{ id: number }>`
      insert into files (source, kind, purpose, state, file_id, folder, chat_id, created_at, updated_at)
      values ('telegram', 'video', 'video', 'stored', ${update.message?.video?.file_id ?? ''}, 'victor', 500, 0, 0)
      returning id`.execute(store.db);
    await new PostRecords(store).create({
      fileId: Number(rows[0]?.id),
      creator: 'victor',
      target: CHANNEL,
      caption: 'hola',
      state: 'scheduled',
      plannedAt: Date.now(),
    });
    await store.close();
    // The bot, which starts after the content module, waits for the Bot API's getMe.
    fake.fail('getMe', { stallMs: 5000 });

    let started = false;
    const starting = startService({
      env: botEnv(fake, dir, { CENTINELA_CONTENT_CHANNEL: CHANNEL }),
      cwd: dir,
      only: ['content', 'bot'],
    }).then((s) => {
      started = true;
      return s;
    });
    await eventually(() => api.requests('sendVideo') === 1, 'the poster published the due post', 20_000);
    const watcher = await openSpec({ kind: 'sqlite', dataDir: join(dir, 'data') });
    try {
      const beats = await watcher.db.selectFrom('heartbeats').select(['pid', 'module']).execute();
      expect(started).toBe(false);
      expect(beats.filter((b) => b.pid === process.pid).map((b) => b.module)).toEqual(
        expect.arrayContaining(['content', 'bot']),
      );
    } finally {
      await watcher.close();
    }
    service = await starting;
  });
});
