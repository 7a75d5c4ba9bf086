// The video job with its video check and its caption client wired in, on real files: a PDF named .mp4 is
// quarantined and its creator told in their language (no post); a real MP4 (made by ffmpeg) gets Gemini's caption
// from the fake, in the creator's voice and with its cost recorded; a spent daily budget gives the template and
// one admin alert a day.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/core/config.ts';
import type { Config } from '../../../src/core/config.ts';
import { PermanentError } from '../../../src/core/queue/index.ts';
import type { Queue } from '../../../src/core/queue/index.ts';
import { IntakeRecords } from '../../../src/pipeline/intake/index.ts';
import { PostRecords, videoHandler } from '../../../src/pipeline/content/index.ts';
import { captionSettingsFrom, createCaptionClient } from '../../../src/pipeline/content/captions/index.ts';
import { startFakeGemini } from '../../fakes/gemini/index.ts';
import type { FakeGemini } from '../../fakes/gemini/index.ts';
import { testPoster } from '../../support/content-poster.ts';
import { tempDir } from '../../support/service.ts';
import { STORE_KINDS, createTestStore, quietLog, testQueue } from '../../support/stores.ts';
import type { TestStore } from '../../support/stores.ts';

const HAVE_TOOLS = ['ffprobe', 'ffmpeg'].every((t) => spawnSync(t, ['-version']).status === 0);
const NEEDS_TOOLS = HAVE_TOOLS ? '' : ' [skipped: ffprobe/ffmpeg are not installed here; .ci/run installs them]';

let t: TestStore | null = null;
let queue: Queue | null = null;
let fake: FakeGemini | null = null;
afterEach(async () => {
  await queue?.stop(500);
  await t?.cleanup();
  await fake?.close();
  [t, queue, fake] = [null, null, null];
});

const NOW = Date.parse('2026-03-28T12:00:00Z');
const CREATOR_CHAT = 3003;
const ADMIN_CHAT = 111;
const PDF = '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n';

/** ffmpeg's 2-second 160x120 test picture with a tone. */
function smallMp4(dir: string): string {
  const path = join(dir, 'clip.mp4');
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc=duration=2:size=160x120:rate=10',
    '-f',
    'lavfi',
    '-i',
    'sine=duration=2',
    '-shortest',
    path,
  ]);
  return path;
}

function configFor(dir: string, gemini: Record<string, unknown> = {}): Config {
  return configSchema.parse({
    paths: { data: join(dir, 'data'), media: join(dir, 'media') },
    telegram: { admin_chats: [ADMIN_CHAT], users: [{ id: ADMIN_CHAT, name: 'Admin', role: 'admin', language: 'en' }] },
    content: {
      channel: '@canal',
      gemini,
      creators: [
        {
          folder: 'ana',
          language: 'en',
          timezone: 'Europe/Madrid',
          slots: ['19:00'],
          persona: 'A baker from Oaxaca, warm and brief.',
          hashtags: ['#pan'],
          caption_template: '{creator} · {date}',
        },
      ],
    },
  });
}

async function storedVideo(store: TestStore, path: string, name: string): Promise<number> {
  const { rows } = await sql<{ id: number }>`
    insert into files (source, kind, purpose, state, file_id, file_name, folder, path, chat_id, created_at, updated_at)
    values ('telegram', 'video', 'video', 'stored', 'BAAC-file', ${name}, 'ana', ${path}, ${CREATOR_CHAT}, 0, 0)
    returning id`.execute(store.store.db);
  return rows[0]?.id ?? 0;
}

async function outboxTo(store: TestStore, chatId: number): Promise<string[]> {
  const { rows } = await sql<{ text: string }>`select text from outbox where chat_id = ${chatId} order by id`.execute(
    store.store.db,
  );
  return rows.map((r) => r.text);
}

async function handlerFor(config: Config, withGemini: boolean): Promise<ReturnType<typeof videoHandler>> {
  if (!t || !queue) throw new Error('no store');
  const poster = await testPoster(t.store, queue, { apiRoot: 'http://127.0.0.1:9', token: 'x', telegramFileId: '' });
  const captions = withGemini
    ? createCaptionClient(captionSettingsFrom(config), { apiKey: fake?.apiKey, filePollMs: 10 })
    : undefined;
  return videoHandler({
    config,
    store: t.store,
    intake: new IntakeRecords(t.store),
    poster,
    log: await quietLog(),
    captions,
    admins: [{ chatId: ADMIN_CHAT, lang: 'en' }],
    now: () => NOW,
  });
}

const run = (h: ReturnType<typeof videoHandler>, fileId: number): Promise<void> =>
  h({ job: { payload: { fileId } } } as Parameters<typeof h>[0]);

describe.each(STORE_KINDS)('the video job, checked and captioned, on %s', (kind) => {
  it('a PDF sent as a video: quarantined, the creator told in their language, the file rejected, no post', async () => {
    t = await createTestStore(kind);
    queue = await testQueue(t.store);
    const dir = tempDir('centinela-video-wired-');
    const config = configFor(dir);
    const path = join(dir, 'fake.mp4');
    writeFileSync(path, PDF);
    const fileId = await storedVideo(t, path, 'holiday.mp4');
    const handler = await handlerFor(config, false);
    await run(handler, fileId);
    await run(handler, fileId); // at least once: the second run finds the file rejected

    expect(await new PostRecords(t.store).byFile(fileId)).toBeUndefined();
    expect(existsSync(path)).toBe(false);
    const file = await new IntakeRecords(t.store).file(fileId);
    expect(file?.state).toBe('rejected');
    expect(file?.error).toMatch(/^video refused \(not_video\): .*PDF/);
    expect(file?.path && existsSync(file.path)).toBe(true);
    expect(readdirSync(join(dir, 'data', 'quarantine'), { recursive: true }).length).toBeGreaterThan(0);
    const told = await outboxTo(t, CREATOR_CHAT);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(/^❌ Your video holiday\.mp4 was not taken: /);
    expect(await queue.list({ queue: 'content.publish' })).toEqual([]);
  });

  it('a video no longer at its path fails for good (no retry would find it), with no post', async () => {
    t = await createTestStore(kind);
    queue = await testQueue(t.store);
    const dir = tempDir('centinela-video-wired-');
    const fileId = await storedVideo(t, join(dir, 'gone.mp4'), 'gone.mp4');
    const handler = await handlerFor(configFor(dir), false);
    await expect(run(handler, fileId)).rejects.toBeInstanceOf(PermanentError);
    expect(await new PostRecords(t.store).byFile(fileId)).toBeUndefined();
    expect((await new IntakeRecords(t.store).file(fileId))?.state).toBe('stored');
  });

  it.skipIf(!HAVE_TOOLS)(
    `a real MP4: Gemini's caption in the creator's voice, its cost kept${NEEDS_TOOLS}`,
    async () => {
      t = await createTestStore(kind);
      queue = await testQueue(t.store);
      fake = await startFakeGemini();
      const dir = tempDir('centinela-video-wired-');
      const config = configFor(dir, { base_url: fake.baseUrl });
      const posts = new PostRecords(t.store, () => NOW);
      // An earlier caption an admin replaced: the prompt carries it.
      const earlier = await posts.create({ fileId: 999, creator: 'ana', target: '@canal', state: 'scheduled' });
      await posts.transition(
        earlier.post.id,
        'scheduled',
        'scheduled',
        { caption: 'Pan &amp; café, recién hecho' },
        'admin: /caption',
      );
      // Yesterday's (UTC) captions cost more than today's budget: they do not count.
      const yesterday = new PostRecords(t.store, () => NOW - 13 * 3600_000);
      const old = await yesterday.create({ fileId: 998, creator: 'ana', target: '@canal', state: 'scheduled' });
      await yesterday.transition(old.post.id, 'scheduled', 'scheduled', { captionCost: '5.000000' });
      fake.script({ content: { caption: 'Bread <3 straight from the oven', hashtags: ['#oaxaca'] } });
      const fileId = await storedVideo(t, smallMp4(dir), 'clip.mp4');
      await run(await handlerFor(config, true), fileId);

      const post = await posts.byFile(fileId);
      expect(post).toMatchObject({
        state: 'scheduled',
        caption: 'Bread &lt;3 straight from the oven\n\n#pan #oaxaca',
        caption_from_template: 0,
        planned_at: Date.parse('2026-03-28T18:00:00Z'),
      });
      expect(Number(post?.caption_cost)).toBeGreaterThan(0);
      const prompt = JSON.stringify(fake.generations[0]);
      expect(prompt).toContain('Pan & café, recién hecho');
      expect(prompt).toContain('A baker from Oaxaca');
      expect(await outboxTo(t, CREATOR_CHAT)).toHaveLength(1);
      expect(await outboxTo(t, ADMIN_CHAT)).toEqual([]);
    },
  );

  it.skipIf(!HAVE_TOOLS)(`the day's budget spent: the template, and one admin alert a day${NEEDS_TOOLS}`, async () => {
    t = await createTestStore(kind);
    queue = await testQueue(t.store);
    fake = await startFakeGemini();
    const dir = tempDir('centinela-video-wired-');
    const config = configFor(dir, { base_url: fake.baseUrl, daily_budget: 0.5 });
    const posts = new PostRecords(t.store, () => NOW);
    // Captions earlier today cost 0.6 USD.
    const spent = await posts.create({ fileId: 998, creator: 'ana', target: '@canal', state: 'scheduled' });
    await posts.transition(spent.post.id, 'scheduled', 'scheduled', { captionCost: '0.600000' });
    const handler = await handlerFor(config, true);
    const video = smallMp4(dir);
    const files = [await storedVideo(t, video, 'a.mp4'), await storedVideo(t, video, 'b.mp4')];
    for (const fileId of files) await run(handler, fileId);

    for (const fileId of files)
      expect(await posts.byFile(fileId)).toMatchObject({ caption_from_template: 1, state: 'scheduled' });
    expect((await posts.byFile(files[0] ?? 0))?.caption).toBe('ana · March 28, 2026\n\n#pan');
    expect(fake.generations).toEqual([]);
    const alerts = await outboxTo(t, ADMIN_CHAT);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain('Caption budget spent for today');
  });
});
