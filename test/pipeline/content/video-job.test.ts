// The video job with a fixed clock: a stored video becomes one post in its creator's next slot (in the creator's
// zone), with the template caption, its publish job at that time and one receipt in the creator's language; run
// again (at-least-once delivery) it adds nothing. With approval the post waits for the admins.
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/core/config.ts';
import type { Queue } from '../../../src/core/queue/index.ts';
import { IntakeRecords } from '../../../src/pipeline/intake/index.ts';
import { PostRecords, videoHandler } from '../../../src/pipeline/content/index.ts';
import { testPoster } from '../../support/content-poster.ts';
import { STORE_KINDS, createTestStore, quietLog, testQueue } from '../../support/stores.ts';
import type { TestStore } from '../../support/stores.ts';

let t: TestStore | null = null;
const quiet = await quietLog();
let queue: Queue | null = null;
afterEach(async () => {
  await queue?.stop(500);
  await t?.cleanup();
  t = null;
  queue = null;
});

const NOW = Date.parse('2026-03-28T12:00:00Z'); // Saturday 13:00 in Madrid, the day before the spring change

async function storedVideo(store: TestStore, folder: string): Promise<number> {
  const { rows } = await sql<{ id: number }>`
    insert into files (source, kind, purpose, state, file_id, folder, chat_id, created_at, updated_at)
    values ('telegram', 'video', 'video', 'stored', 'BAAC-file', ${folder}, 3003, 0, 0) returning id`.execute(
    store.store.db,
  );
  return rows[0]?.id ?? 0;
}

describe.each(STORE_KINDS)('video job on %s', (kind) => {
  it('plans the video in the next slot of its creator, queues its publish job and tells the creator once', async () => {
    t = await createTestStore(kind);
    queue = await testQueue(t.store);
    const config = configSchema.parse({
      content: {
        channel: '@canal',
        creators: [
          {
            folder: 'ana',
            language: 'es',
            timezone: 'Europe/Madrid',
            slots: ['10:00', '19:00'],
            caption_template: '{creator} · {date}',
          },
        ],
      },
    });
    const poster = await testPoster(t.store, queue, { apiRoot: 'http://127.0.0.1:9', token: 'x', telegramFileId: '' });
    const handler = videoHandler({
      config,
      store: t.store,
      intake: new IntakeRecords(t.store),
      poster,
      log: await quietLog(),
      now: () => NOW,
    });
    const fileId = await storedVideo(t, 'ana');
    const ctx = { job: { payload: { fileId } } } as Parameters<typeof handler>[0];
    await handler(ctx);
    await handler(ctx);
    const posts = new PostRecords(t.store);
    const post = await posts.byFile(fileId);
    // 19:00 CET on Saturday.
    expect(post).toMatchObject({
      state: 'scheduled',
      creator: 'ana',
      target: '@canal',
      planned_at: Date.parse('2026-03-28T18:00:00Z'),
      caption: 'ana · 28 de marzo de 2026',
      caption_from_template: 1,
    });
    const jobs = await queue.list({ queue: 'content.publish' });
    expect(jobs.map((j) => [j.payload, j.runAt])).toEqual([[{ postId: post?.id }, Date.parse('2026-03-28T18:00:00Z')]]);
    const { rows } = await sql<{ text: string }>`select text from outbox where chat_id = 3003`.execute(t.store.db);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.text).toMatch(
      /^📅 Tu video \(publicación #\d+\) sale el sáb, 28 mar 2026, 19:00 \(Europe\/Madrid\)\.$/,
    );

    // The next video of the same creator: Sunday 10:00, now CEST (08:00 UTC) after the change.
    const second = await storedVideo(t, 'ana');
    await handler({ job: { payload: { fileId: second } } } as Parameters<typeof handler>[0]);
    expect((await posts.byFile(second))?.planned_at).toBe(Date.parse('2026-03-29T08:00:00Z'));
  });

  it('two videos of one creator planned at once take two slots', async () => {
    t = await createTestStore(kind);
    queue = await testQueue(t.store);
    const config = configSchema.parse({
      content: {
        channel: '@canal',
        creators: [{ folder: 'ana', timezone: 'Europe/Madrid', slots: ['10:00', '19:00'] }],
      },
    });
    const poster = await testPoster(t.store, queue, { apiRoot: 'http://127.0.0.1:9', token: 'x', telegramFileId: '' });
    // Two handlers as two worker processes would have them (on SQLite one process plans one video at a time).
    const other = kind === 'postgres' ? await t.open() : t.store;
    const handlers = [t.store, other].map((store) =>
      videoHandler({ config, store, intake: new IntakeRecords(store), poster, log: quiet, now: () => NOW }),
    );
    const files = [await storedVideo(t, 'ana'), await storedVideo(t, 'ana')];
    await Promise.all(
      files.map((fileId, i) => handlers[i]?.({ job: { payload: { fileId } } } as Parameters<(typeof handlers)[0]>[0])),
    );
    const posts = new PostRecords(t.store);
    const times = await Promise.all(files.map(async (f) => (await posts.byFile(f))?.planned_at));
    expect(times.sort()).toEqual([Date.parse('2026-03-28T18:00:00Z'), Date.parse('2026-03-29T08:00:00Z')]);
  });

  it('with approval the post waits for the admins and has no publish job', async () => {
    t = await createTestStore(kind);
    queue = await testQueue(t.store);
    const config = configSchema.parse({
      content: { channel: '-1001', approval: true, creators: [{ folder: 'ana', language: 'en' }] },
    });
    const poster = await testPoster(t.store, queue, { apiRoot: 'http://127.0.0.1:9', token: 'x', telegramFileId: '' });
    const handler = videoHandler({
      config,
      store: t.store,
      intake: new IntakeRecords(t.store),
      poster,
      log: await quietLog(),
      now: () => NOW,
    });
    const fileId = await storedVideo(t, 'ana');
    await handler({ job: { payload: { fileId } } } as Parameters<typeof handler>[0]);
    expect(await new PostRecords(t.store).byFile(fileId)).toMatchObject({
      state: 'awaiting_approval',
      planned_at: NOW,
    });
    expect(await queue.list({ queue: 'content.publish' })).toEqual([]);
    const { rows } = await sql<{ text: string }>`select text from outbox where chat_id = 3003`.execute(t.store.db);
    expect(rows[0]?.text).toContain('once an admin approves its caption');
  });
});
