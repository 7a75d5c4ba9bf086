// End to end through the service: a creator's video comes in by Telegram, is stored, becomes a post with the
// creator's template caption, planned as soon as ready (no slots), and is published once in the fake channel by
// its file_id; the creator's receipt says when, in their language and time zone.
import { afterEach, describe, expect, it } from 'vitest';
import type { Service } from '../../../src/main.ts';
import { PostRecords } from '../../../src/pipeline/content/index.ts';
import { startFakeGemini } from '../../fakes/gemini/index.ts';
import type { FakeGemini } from '../../fakes/gemini/index.ts';
import { startFakeBotApi } from '../../fakes/telegram/index.ts';
import type { FakeBotApi } from '../../fakes/telegram/index.ts';
import { MODEL, mp4, startBotService, textOf } from '../../support/bot-service.ts';
import { eventually } from '../../support/stores.ts';

const CHANNEL = -1001234567890;
let fake: FakeBotApi | null = null;
let service: Service | null = null;
let gemini: FakeGemini | null = null;
afterEach(async () => {
  await service?.stop('test over');
  await fake?.close();
  await gemini?.close();
  service = null;
  fake = null;
  gemini = null;
});

describe('video to channel', () => {
  it('publishes a creator video once in the channel, with the template caption, and tells the creator when', async () => {
    fake = await startFakeBotApi();
    const api = fake;
    const started = await startBotService(fake, {
      CENTINELA_CONTENT_CHANNEL: String(CHANNEL),
      // Its bytes are an MP4 header and no picture: the video check's first-bytes test, without ffprobe, takes it.
      CENTINELA_CONTENT_VIDEO_FFPROBE: '/nonexistent/bin/ffprobe',
      CENTINELA_CONTENT_CREATORS: JSON.stringify([
        {
          folder: 'victor',
          language: 'en',
          timezone: 'America/Mexico_City',
          caption_template: 'New from {creator} <3',
        },
      ]),
    });
    service = started.service;
    const update = fake.video(MODEL, { bytes: mp4(Buffer.alloc(50_000, 7)), fileName: 'clip.mp4' });
    const fileId = update.message?.video?.file_id;
    const published = await fake.waitFor((c) => c.method === 'sendVideo' && c.result !== undefined, 15_000);
    expect(published.params).toMatchObject({
      chat_id: String(CHANNEL),
      video: fileId,
      caption: 'New from victor &lt;3',
      parse_mode: 'HTML',
    });
    const posts = new PostRecords(service.store);
    await eventually(async () => (await posts.inStates(['sent'])).length === 1, 'the post is sent');
    const [post] = await posts.inStates(['sent']);
    expect(post).toMatchObject({ creator: 'victor', caption_from_template: 1, attempts: 1, target: String(CHANNEL) });
    const receipt = await fake.waitFor(
      (c) => c.method === 'sendMessage' && c.params.chat_id === MODEL.id && textOf(c).includes(`post #${post?.id}`),
    );
    expect(textOf(receipt)).toMatch(/goes out on .+\(America\/Mexico_City\)/);
    await eventually(
      async () => (await service!.queue.list({ queue: 'video.process', states: ['done'] })).length === 1,
      'video job done',
    );
    expect(api.requests('sendVideo')).toBe(1);
  });

  it("with GEMINI_API_KEY the service publishes Gemini's caption in the creator's voice", async () => {
    fake = await startFakeBotApi();
    gemini = await startFakeGemini();
    gemini.script({ content: { caption: 'Fresh from Victor', hashtags: ['#bread'] } });
    const started = await startBotService(fake, {
      GEMINI_API_KEY: gemini.apiKey,
      CENTINELA_CONTENT_GEMINI_BASE_URL: gemini.baseUrl,
      CENTINELA_CONTENT_CHANNEL: String(CHANNEL),
      CENTINELA_CONTENT_CREATORS: JSON.stringify([{ folder: 'victor', language: 'en', persona: 'A cheerful baker.' }]),
      // The bytes are an MP4 header and no picture: the first-bytes check alone takes them.
      CENTINELA_CONTENT_VIDEO_FFPROBE: '/nonexistent/bin/ffprobe',
    });
    service = started.service;
    fake.video(MODEL, { bytes: mp4(Buffer.alloc(50_000, 7)), fileName: 'clip.mp4' });
    const published = await fake.waitFor((c) => c.method === 'sendVideo' && c.result !== undefined, 15_000);
    expect(published.params).toMatchObject({ caption: 'Fresh from Victor\n\n#bread', parse_mode: 'HTML' });
    expect(JSON.stringify(gemini.generations[0])).toContain('A cheerful baker.');
    const [post] = await new PostRecords(service.store).inStates(['sent', 'sending']);
    expect(post).toMatchObject({ creator: 'victor', caption_from_template: 0 });
  });
});
