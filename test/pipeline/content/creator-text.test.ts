// What a creator writes with a video, through the service: the intake keeps the caption of the Telegram message,
// Gemini's prompt carries it, and the template's {text} shows it; an album item without a caption of its own takes
// its album's first caption.
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Service } from '../../../src/main.ts';
import { PostRecords } from '../../../src/pipeline/content/index.ts';
import { IntakeRecords } from '../../../src/pipeline/intake/index.ts';
import { startFakeGemini } from '../../fakes/gemini/index.ts';
import type { FakeGemini } from '../../fakes/gemini/index.ts';
import { startFakeBotApi } from '../../fakes/telegram/index.ts';
import type { FakeBotApi } from '../../fakes/telegram/index.ts';
import { MODEL, mp4, startBotService } from '../../support/bot-service.ts';
import { createDatabase } from '../../support/postgres.ts';
import { STORE_KINDS, eventually } from '../../support/stores.ts';

let fake: FakeBotApi | null = null;
let gemini: FakeGemini | null = null;
let service: Service | null = null;
let dropDatabase: (() => Promise<void>) | null = null;
afterEach(async () => {
  await service?.stop('test over');
  await fake?.close();
  await gemini?.close();
  await dropDatabase?.();
  service = null;
  fake = null;
  gemini = null;
  dropDatabase = null;
});

describe.each(STORE_KINDS)("the creator's text on %s", (kind) => {
  async function start(extra: Record<string, string>): Promise<FakeBotApi> {
    const api = await startFakeBotApi();
    fake = api;
    const env: Record<string, string> = {
      CENTINELA_CONTENT_CHANNEL: '-1001234567890',
      // Held for approval: the posts stay put while the test reads them.
      CENTINELA_CONTENT_APPROVAL: 'true',
      // The bytes are an MP4 header and no picture: the first-bytes check alone takes them.
      CENTINELA_CONTENT_VIDEO_FFPROBE: '/nonexistent/bin/ffprobe',
      CENTINELA_CONTENT_CREATORS: JSON.stringify([
        { folder: 'victor', language: 'en', persona: 'A cheerful baker.', caption_template: '{creator}: {text}' },
      ]),
      ...extra,
    };
    if (kind === 'postgres') {
      const db = await createDatabase(inject('postgresUrl'));
      env.DATABASE_URL = db.url;
      dropDatabase = db.drop;
    }
    service = (await startBotService(api, env)).service;
    return api;
  }

  async function postsOf(count: number): Promise<Awaited<ReturnType<PostRecords['inStates']>>> {
    const posts = new PostRecords((service as Service).store);
    await eventually(
      async () => (await posts.inStates(['awaiting_approval'])).length === count,
      `${count} posts await approval`,
    );
    return posts.inStates(['awaiting_approval']);
  }

  it("Gemini's prompt carries what the creator wrote with the video", async () => {
    gemini = await startFakeGemini();
    gemini.script({ content: { caption: 'Mole from grandma', hashtags: ['#oaxaca'] } });
    const api = await start({ GEMINI_API_KEY: gemini.apiKey, CENTINELA_CONTENT_GEMINI_BASE_URL: gemini.baseUrl });
    api.video(MODEL, { bytes: mp4(Buffer.alloc(50_000, 7)), fileName: 'clip.mp4' }, { caption: 'mole negro <3' });
    const [post] = await postsOf(1);
    expect(post).toMatchObject({ caption: 'Mole from grandma\n\n#oaxaca', caption_from_template: 0 });
    const asked = JSON.stringify(gemini.generations[0]?.body?.contents);
    expect(asked).toContain('What the creator wrote with this video:\\nmole negro <3');
    const file = await new IntakeRecords((service as Service).store).file(post?.file_id ?? 0);
    expect(file?.caption).toBe('mole negro <3');
  });

  it("the template's {text}: each album item's own caption, else the album's first", async () => {
    const api = await start({});
    const group = 'album-1';
    const video = (n: number) => ({ bytes: mp4(Buffer.alloc(40_000 + n, n)), fileName: `clip${n}.mp4` });
    api.video(MODEL, video(1), { mediaGroupId: group, caption: 'Pan & café' });
    api.video(MODEL, video(2), { mediaGroupId: group });
    api.video(MODEL, video(3), { mediaGroupId: group, caption: 'the third' });
    // A single video with nothing written: {text} is empty.
    api.video(MODEL, video(4));
    const posts = await postsOf(4);
    const intake = new IntakeRecords((service as Service).store);
    const byName = new Map<string, string | null>();
    for (const p of posts) byName.set((await intake.file(p.file_id))?.file_name ?? '', p.caption);
    expect(Object.fromEntries(byName)).toEqual({
      'clip1.mp4': 'victor: Pan &amp; café',
      'clip2.mp4': 'victor: Pan &amp; café',
      'clip3.mp4': 'victor: the third',
      'clip4.mp4': 'victor:',
    });
  });
});
