// The caption's proxy on real videos made here by ffmpeg: Gemini (the fake, through the real SDK) receives a 360p,
// 2 fps copy much smaller than the original, the copy's temp folder is gone after the caption, and without ffmpeg,
// when ffmpeg fails or when it runs past its time limit, the original is sent and the log says why.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, test } from 'vitest';
import { configSchema } from '../../../src/core/config.ts';
import {
  PROXY,
  captionSettingsFrom,
  createCaptionClient,
  videoProxyMaker,
} from '../../../src/pipeline/content/captions/index.ts';
import type { CaptionInput, ProxyMaker, ProxyOptions } from '../../../src/pipeline/content/captions/index.ts';
import { startFakeGemini } from '../../fakes/gemini/index.ts';
import type { FakeGemini } from '../../fakes/gemini/index.ts';
import { tempDir } from '../../support/service.ts';

const HAVE_TOOLS = ['ffprobe', 'ffmpeg'].every((t) => spawnSync(t, ['-version']).status === 0);
const NEEDS_TOOLS = HAVE_TOOLS ? '' : ' [skipped: ffprobe/ffmpeg are not installed here; .ci/run installs them]';

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

/** A video of `seconds` at `size` and 30 fps with a tone, encoded at a high quality (a phone's file, smaller). */
function makeVideo(dir: string, name: string, size: string, seconds = 4): string {
  const path = join(dir, name);
  execFileSync('ffmpeg', [
    ...['-v', 'error', '-y'],
    ...['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=30:duration=${seconds}`],
    ...['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '16', '-pix_fmt', 'yuv420p', '-c:a', 'aac'],
    '-shortest',
    path,
  ]);
  return path;
}

function probe(path: string): { width: number; height: number; fps: string; audio: number } {
  const out = execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_streams', path], {
    encoding: 'utf8',
  });
  const streams = (JSON.parse(out) as { streams: Array<Record<string, unknown>> }).streams;
  const video = streams.find((s) => s.codec_type === 'video') ?? {};
  return {
    width: Number(video.width),
    height: Number(video.height),
    fps: String(video.avg_frame_rate),
    audio: streams.filter((s) => s.codec_type === 'audio').length,
  };
}

interface Setup {
  fake: FakeGemini;
  logs: string[];
  tmpRoot: string;
  /** ffprobe of each proxy, read before the caption removed it. */
  proxies: Array<ReturnType<typeof probe>>;
  caption(videoPath: string): Promise<void>;
}

async function setup(o: Partial<ProxyOptions> = {}): Promise<Setup> {
  const fake = await startFakeGemini();
  fakes.push(fake);
  const logs: string[] = [];
  const log = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(chunk.toString('utf8'));
        done();
      },
    }),
  );
  const tmpRoot = tempDir('centinela-proxy-root-');
  const proxies: Setup['proxies'] = [];
  const maker = videoProxyMaker({ ffmpeg: 'ffmpeg', log, tmpRoot, ...o });
  const watched: ProxyMaker = async (path) => {
    const made = await maker(path);
    if (made) proxies.push(probe(made.path));
    return made;
  };
  const client = createCaptionClient(
    { ...captionSettingsFrom(configSchema.parse({})), baseUrl: fake.baseUrl, requestsPerMinute: 600 },
    { apiKey: fake.apiKey, proxy: watched, filePollMs: 50, fileReadyTimeoutMs: 10_000, sleep: async () => {} },
  );
  return {
    fake,
    logs,
    tmpRoot,
    proxies,
    async caption(videoPath) {
      const input: CaptionInput = {
        videoPath,
        creator: {
          name: 'Victor',
          language: 'en',
          timezone: 'UTC',
          persona: 'short',
          hashtags: [],
          bannedWords: [],
          captionTemplate: '{creator}',
        },
        text: '',
        day: new Date('2026-03-10T18:00:00Z'),
        approved: [],
        spentToday: 0,
      };
      const r = await client.caption(input);
      expect(r.fromTemplate, r.problem).toBe(false);
    },
  };
}

describe.skipIf(!HAVE_TOOLS)(`the caption proxy${NEEDS_TOOLS}`, () => {
  test('Gemini receives a 360p, 2 fps MP4 far smaller than the original; its temp folder is removed', async () => {
    const dir = tempDir();
    const original = makeVideo(dir, 'clip.mov', '1280x720');
    const s = await setup();
    await s.caption(original);
    const [sent] = s.fake.uploaded;
    const originalBytes = statSync(original).size;
    expect(s.fake.uploaded).toHaveLength(1);
    expect(sent?.mimeType).toBe('video/mp4');
    expect(Number(sent?.sizeBytes)).toBeLessThan(originalBytes / 4);
    expect(s.proxies).toEqual([{ width: 640, height: 360, fps: `${PROXY.fps}/1`, audio: 1 }]);
    expect(readdirSync(s.tmpRoot)).toEqual([]);
    expect(s.fake.files.size).toBe(0);
  }, 60_000);

  test('a portrait video keeps its shape: 360 pixels on its short side', async () => {
    const original = makeVideo(tempDir(), 'tall.mp4', '720x1280', 2);
    const s = await setup();
    await s.caption(original);
    expect(s.proxies).toEqual([{ width: 360, height: 640, fps: `${PROXY.fps}/1`, audio: 1 }]);
    expect(Number(s.fake.uploaded[0]?.sizeBytes)).toBeLessThan(statSync(original).size);
  }, 60_000);

  test('without ffmpeg, the original is sent and the log says why', async () => {
    const original = makeVideo(tempDir(), 'clip.mp4', '640x360', 2);
    const s = await setup({ ffmpeg: '/nonexistent/bin/ffmpeg' });
    await s.caption(original);
    expect(Number(s.fake.uploaded[0]?.sizeBytes)).toBe(statSync(original).size);
    expect(s.logs.join('')).toContain('no small proxy for the caption');
    expect(s.logs.join('')).toContain('/nonexistent/bin/ffmpeg cannot be run (ENOENT)');
    expect(readdirSync(s.tmpRoot)).toEqual([]);
  }, 60_000);

  test('when ffmpeg fails on the file, or runs past its time limit, the original is sent', async () => {
    const dir = tempDir();
    const broken = join(dir, 'broken.mp4');
    writeFileSync(broken, Buffer.alloc(64 * 1024, 7));
    const s = await setup();
    await s.caption(broken);
    expect(Number(s.fake.uploaded[0]?.sizeBytes)).toBe(64 * 1024);
    expect(s.logs.join('')).toContain('no small proxy for the caption');
    expect(s.logs.join('')).toContain('ffmpeg exited with code');

    const slow = await setup({ timeoutMs: 1 });
    const original = makeVideo(dir, 'clip.mp4', '1280x720', 2);
    await slow.caption(original);
    expect(Number(slow.fake.uploaded[0]?.sizeBytes)).toBe(statSync(original).size);
    expect(slow.logs.join('')).toMatch(/did not finish within 1 ms/);
    expect(readdirSync(s.tmpRoot)).toEqual([]);
    expect(readdirSync(slow.tmpRoot)).toEqual([]);
  }, 60_000);
});
