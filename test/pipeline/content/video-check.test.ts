// The video check on real files made here by ffmpeg: MP4, MOV, WebM, copies cut short, a PDF named .mp4, sound
// without picture, and limits set low. The cases that need ffprobe/ffmpeg are skipped, saying so, on a machine
// without them (.ci/run installs them); the fallback is tested by pointing the settings at a missing binary.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, truncateSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { configSchema } from '../../../src/core/config.ts';
import { createLog } from '../../../src/core/log.ts';
import type { Log } from '../../../src/core/log.ts';
import { loadMessages, render } from '../../../src/core/messages.ts';
import { SHIPPED_RULES, loadRules, toRecord } from '../../../src/monitor/rules/index.ts';
import {
  checkVideo,
  describeVideoTools,
  quarantineRefusedVideo,
} from '../../../src/pipeline/content/video-check/index.ts';
import type { VideoCheck, VideoSettings } from '../../../src/pipeline/content/video-check/index.ts';
import { REPO, tempDir } from '../../support/service.ts';

const HAVE_TOOLS = ['ffprobe', 'ffmpeg'].every((t) => spawnSync(t, ['-version']).status === 0);
const NEEDS_TOOLS = HAVE_TOOLS ? '' : ' [skipped: ffprobe/ffmpeg are not installed here; .ci/run installs them]';

const defaults: VideoSettings = configSchema.parse({}).content.video;
const MISSING = '/nonexistent/bin/ffprobe';
const dir = tempDir('centinela-video-check-');
const file = (name: string): string => join(dir, name);

/** ffmpeg making a 160x120 test picture (and a tone) of `seconds` into `name`. */
function make(name: string, seconds: number, args: string[], sound = true): string {
  const inputs = ['-f', 'lavfi', '-i', `testsrc=duration=${seconds}:size=160x120:rate=10`];
  if (sound) inputs.push('-f', 'lavfi', '-i', `sine=duration=${seconds}`);
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...inputs, ...args, '-shortest', file(name)]);
  return file(name);
}

/** A copy of `source` keeping the first `fraction` of its bytes: a download or copy cut short. */
function cut(source: string, name: string, fraction: number): string {
  copyFileSync(source, file(name));
  truncateSync(file(name), Math.floor(statSync(source).size * fraction));
  return file(name);
}

const refused = (r: VideoCheck): Extract<VideoCheck, { ok: false }> => {
  if (r.ok) throw new Error(`expected a refusal, got ${JSON.stringify(r.info)}`);
  return r;
};

const PDF = '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n';

describe('without ffprobe (the settings point at a missing binary): the first bytes only', () => {
  test('a video passes, saying that the deep check was skipped', async () => {
    // Made by hand: a minimal MP4 header (ftyp isom) is all the first-bytes check reads.
    const path = file('header-only.mp4');
    const ftyp = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom\0\0\x02\0isomiso2', 'latin1')]);
    writeFileSync(path, Buffer.concat([ftyp, Buffer.alloc(64)]));
    const result = await checkVideo(path, { ...defaults, ffprobe: MISSING });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.info).toMatchObject({
      probed: false,
      decoded: false,
      container: null,
      durationMs: null,
      video: null,
    });
    expect(result.info.skipped).toMatch(/\/nonexistent\/bin\/ffprobe cannot be run \(ENOENT\): only the first bytes/);
  });

  test('a PDF named .mp4 is refused as not a video', async () => {
    writeFileSync(file('invoice.mp4'), PDF);
    const r = refused(await checkVideo(file('invoice.mp4'), { ...defaults, ffprobe: MISSING }));
    expect(r).toMatchObject({ problem: 'not_video', reason: { key: 'problem-not-video' } });
    expect(r.detail).toMatch(/PDF/);
  });

  test('an empty file is refused', async () => {
    writeFileSync(file('empty.mp4'), '');
    const r = refused(await checkVideo(file('empty.mp4'), { ...defaults, ffprobe: MISSING }));
    expect(r).toMatchObject({ problem: 'not_video', detail: 'the file is empty' });
  });

  test('the size limit holds before anything is read', async () => {
    writeFileSync(file('big.mp4'), Buffer.alloc(4096));
    const r = refused(await checkVideo(file('big.mp4'), { ...defaults, ffprobe: MISSING, max_bytes: 1024 }));
    expect(r).toMatchObject({
      problem: 'too_large',
      reason: { key: 'video-check-too-large', vars: { size: '4.0 KB', max: '1.0 KB' } },
    });
  });

  test('doctor says neither tool was found and what that means', async () => {
    const report = await describeVideoTools({ ...defaults, ffprobe: MISSING, ffmpeg: '/nonexistent/bin/ffmpeg' });
    expect(report).toEqual({
      ok: false,
      text: 'ffprobe not found, ffmpeg not found: videos get only the first-bytes check (no duration, codec or decoding check)',
    });
  });
});

describe.skipIf(!HAVE_TOOLS)(`with ffprobe and ffmpeg${NEEDS_TOOLS}`, () => {
  let mp4: string;
  let mp4FastStart: string;
  let webm: string;
  beforeAll(() => {
    mp4 = make('clip.mp4', 1, ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac']);
    mp4FastStart = make('long.mp4', 10, ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+faststart'], false);
    webm = make('clip.webm', 10, ['-c:v', 'libvpx', '-b:v', '100k', '-c:a', 'libopus'], true);
  });

  test('an MP4 is read: container, duration, codecs, size, frame rate; it decodes', async () => {
    const result = await checkVideo(mp4, defaults);
    expect(result).toEqual({
      ok: true,
      info: {
        bytes: statSync(mp4).size,
        container: 'MP4',
        durationMs: expect.closeTo(1000, -2) as number,
        video: { codec: 'h264', width: 160, height: 120, fps: 10 },
        audio: { codec: 'aac' },
        probed: true,
        decoded: true,
        skipped: null,
      },
    });
  });

  test('a WebM and a MOV are read too', async () => {
    const w = await checkVideo(webm, defaults);
    expect(w.ok && w.info).toMatchObject({
      container: 'Matroska/WebM',
      video: { codec: 'vp8', width: 160, height: 120, fps: 10 },
      audio: { codec: 'opus' },
      decoded: true,
    });
    const mov = make('clip.mov', 1, ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-f', 'mov'], false);
    const m = await checkVideo(mov, defaults);
    expect(m.ok && m.info).toMatchObject({ container: 'MOV', video: { codec: 'h264' }, audio: null, decoded: true });
  });

  test('an MP4 cut short before its index (moov) is refused as damaged', async () => {
    const r = refused(await checkVideo(cut(mp4, 'cut.mp4', 0.5), defaults));
    expect(r).toMatchObject({ problem: 'damaged', reason: { key: 'video-check-damaged' } });
    expect(r.detail).toMatch(/moov atom not found/);
  });

  test('an MP4 cut short after its index is read by ffprobe but fails to decode at its end', async () => {
    const r = refused(await checkVideo(cut(mp4FastStart, 'cut-faststart.mp4', 0.6), defaults));
    expect(r.problem).toBe('damaged');
    expect(r.detail).toMatch(/^ffmpeg: /);
    expect(r.detail).toMatch(/partial file|corrupt input packet|Invalid NAL/);
  });

  test('a WebM cut short is refused: ffmpeg says so with a zero exit, and any error line counts', async () => {
    const r = refused(await checkVideo(cut(webm, 'cut.webm', 0.6), defaults));
    expect(r.problem).toBe('damaged');
    expect(r.detail).toMatch(/File ended prematurely/);
  });

  test('a file with sound and no picture is refused', async () => {
    execFileSync('ffmpeg', [
      ...['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=duration=1', '-c:a', 'aac'],
      ...['-f', 'mp4', '-brand', 'mp42', file('sound.mp4')],
    ]);
    const r = refused(await checkVideo(file('sound.mp4'), defaults));
    expect(r).toMatchObject({ problem: 'no_picture', reason: { key: 'video-check-no-picture' } });
  });

  test('too long for content.video.max_duration is refused here, with both durations', async () => {
    const r = refused(await checkVideo(mp4FastStart, { ...defaults, max_duration: 5000 }));
    expect(r).toMatchObject({
      problem: 'too_long',
      reason: { key: 'video-check-too-long', vars: { duration: '10s', max: '5s' } },
    });
    expect(r.detail).toBe('10s > content.video.max_duration 5s');
    // Just over a limit that rounds to the same text: both still say which is longer.
    const near = refused(await checkVideo(mp4FastStart, { ...defaults, max_duration: 9_960 }));
    expect(near.reason).toMatchObject({
      key: 'video-check-too-long',
      vars: { duration: expect.stringMatching(/^10s \+ \d+ms$/) as string, max: '10s' },
    });
  });

  test('a PDF named .mp4 never reaches ffprobe', async () => {
    writeFileSync(file('invoice2.mp4'), PDF);
    // An ffprobe that would fail the test if it ran.
    const tripwire = join(dir, 'tripwire-ffprobe');
    writeFileSync(tripwire, `#!/bin/sh\ntouch ${join(dir, 'tripped')}\nexit 1\n`);
    chmodSync(tripwire, 0o755);
    const r = refused(await checkVideo(file('invoice2.mp4'), { ...defaults, ffprobe: tripwire }));
    expect(r.problem).toBe('not_video');
    expect(existsSync(join(dir, 'tripped'))).toBe(false);
  });

  test('a path that looks like an option or a protocol is read as a file', async () => {
    for (const name of ['-version.mp4', 'concat:clip.mp4|clip.mp4', 'with space.mp4']) {
      copyFileSync(mp4, file(name));
      const r = await checkVideo(file(name), defaults);
      expect(r.ok, name).toBe(true);
    }
  });

  test('ffprobe without ffmpeg: probed, not test-decoded, and the result says so', async () => {
    const r = await checkVideo(mp4, { ...defaults, ffmpeg: '/nonexistent/bin/ffmpeg' });
    expect(r.ok && r.info).toMatchObject({ probed: true, decoded: false, container: 'MP4' });
    expect(r.ok && r.info.skipped).toBe('/nonexistent/bin/ffmpeg cannot be run (ENOENT): not test-decoded');
  });

  test('an ffprobe whose answer is not its JSON is not trusted', async () => {
    const liar = join(dir, 'liar-ffprobe');
    writeFileSync(liar, '#!/bin/sh\necho "{\\"streams\\": []}"\n');
    chmodSync(liar, 0o755);
    const r = refused(await checkVideo(mp4, { ...defaults, ffprobe: liar }));
    expect(r.problem).toBe('damaged');
    expect(r.detail).toMatch(/ffprobe's answer lacks/);
  });

  test('a shutdown stops the check without a verdict', async () => {
    const controller = new AbortController();
    controller.abort(new Error('shutting down'));
    await expect(checkVideo(mp4, defaults, { signal: controller.signal })).rejects.toThrow('shutting down');
  });

  test('doctor names both tools with their versions', async () => {
    const report = await describeVideoTools(defaults);
    expect(report.ok).toBe(true);
    expect(report.text).toMatch(
      /^ffprobe \d\S*, ffmpeg \d\S*: videos are probed \(duration, codecs\) and test-decoded$/,
    );
  });
});

describe('a refused video goes to quarantine, the creator is told in their language, the monitor gets an incident', () => {
  const rules = loadRules(SHIPPED_RULES);
  async function logLines(): Promise<{ log: Log; lines: string[] }> {
    const lines: string[] = [];
    const log = await createLog({
      level: 'debug',
      dir: null,
      stdout: false,
      rotate: { size: 2 ** 20, keep: 1 },
      stdoutStream: { write: (l: string) => void lines.push(l) },
    });
    return { log, lines };
  }

  test('the file moves with its reason; the message renders in Spanish and English; the rule video_refused fires', async () => {
    const data = tempDir('centinela-video-quarantine-');
    writeFileSync(file('bad.mp4'), PDF);
    const refusal = refused(await checkVideo(file('bad.mp4'), { ...defaults, ffprobe: MISSING }));
    const video = { fileId: 7, path: file('bad.mp4'), fileName: 'mi video.mp4', sender: 'Victor', sha256: 'ab' };
    const now = new Date('2026-01-05T14:30:20Z');
    const { log, lines } = await logLines();
    const { quarantinedPath, tell } = await quarantineRefusedVideo(data, video, refusal, now, log.for('content'));

    expect(quarantinedPath).toBe(join(data, 'quarantine', '20260105T143020Z_bad.mp4'));
    expect(existsSync(file('bad.mp4'))).toBe(false);
    expect(readFileSync(quarantinedPath, 'utf8')).toBe(PDF);
    const meta = JSON.parse(readFileSync(`${quarantinedPath}.meta.json`, 'utf8')) as Record<string, unknown>;
    expect(meta).toMatchObject({ fileId: 7, originalPath: video.path, problem: 'not_video', by: 'video-check' });
    expect(meta.error).toMatch(/PDF/);

    const messages = loadMessages(join(REPO, 'src/locales'), ['es', 'en']);
    const say = (lang: string) => (key: string, vars?: Record<string, string | number>) => messages.t(lang, key, vars);
    expect(render(tell, say('en'))).toBe(
      '❌ Your video mi video.mp4 was not taken: it is not a video (MP4, MOV, WebM or MKV). It is set aside; send a corrected version if you want it posted.',
    );
    expect(render(tell, say('es'))).toMatch(
      /^❌ Tu video mi video.mp4 no se recibió: no es un video \(MP4, MOV, WebM o MKV\)\./,
    );

    // The line the service writes is an incident of video_refused (not file_corrupt, which would fetch it again).
    await log.close();
    expect(lines).toHaveLength(1);
    const finding = rules.match(toRecord(lines[0] ?? '', 'logs/centinela.log'));
    expect(finding).toMatchObject({
      rule: 'video_refused',
      target: video.path,
      fields: { path: video.path, problem: 'not_video' },
    });
  });

  test('too large for the target: quarantined and told, logged at INFO, no incident', async () => {
    const data = tempDir('centinela-video-quarantine-');
    writeFileSync(file('large-by-setting.mp4'), Buffer.alloc(4096));
    const refusal = refused(
      await checkVideo(file('large-by-setting.mp4'), { ...defaults, ffprobe: MISSING, max_bytes: 1024 }),
    );
    const video = { fileId: null, path: file('large-by-setting.mp4'), fileName: null, sender: null, sha256: null };
    const { log, lines } = await logLines();
    const { tell } = await quarantineRefusedVideo(data, video, refusal, new Date(), log.for('content'));
    expect(tell).toEqual({
      key: 'video-check-refused',
      vars: {
        name: 'large-by-setting.mp4',
        reason: { key: 'video-check-too-large', vars: { size: '4.0 KB', max: '1.0 KB' } },
      },
    });
    await log.close();
    expect(lines.map((l) => (JSON.parse(l) as { level: string }).level)).toEqual(['INFO']);
    expect(rules.match(toRecord(lines[0] ?? '', 'logs/centinela.log'))).toBeNull();
  });

  test('every reason the check gives has a text in both languages', () => {
    const messages = loadMessages(join(REPO, 'src/locales'), ['es', 'en']);
    const vars = { size: '3.0 GB', max: '2.0 GB', duration: '2h', name: 'x.mp4', reason: 'r' };
    for (const key of [
      'video-check-refused',
      'video-check-too-large',
      'video-check-too-long',
      'video-check-damaged',
      'video-check-no-picture',
    ]) {
      for (const lang of ['es', 'en']) {
        const text = messages.t(lang, key, vars);
        expect(text, `${lang} ${key}`).not.toMatch(/^\{|\{\$/);
      }
    }
    expect(messages.t('en', 'video-check-too-long', vars)).toBe('it lasts 2h, over the 2.0 GB limit');
  });
});
