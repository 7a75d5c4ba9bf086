// A small copy of a video for Gemini to read: it bills video by the second at its own sampling (1 frame a second),
// so a 360p, 2 fps, low-bitrate copy costs the same tokens as the original but uploads in seconds instead of minutes.
// Made by ffmpeg (execFile: no shell, the path is data) in a temp folder that is removed after the caption, within a
// time limit. Without ffmpeg, or when it fails, the original is used and the log says why.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../../core/log.ts';
import { inputOptions, inputUrl } from '../video-check/probe.ts';
import { runTool } from '../video-check/run-tool.ts';

/** What is sent instead of the original; `remove` deletes it (and its folder). */
export interface VideoProxy {
  path: string;
  mimeType: string;
  remove(): Promise<void>;
}

/** Makes the proxy of a video, or null: then the original is sent. */
export type ProxyMaker = (videoPath: string) => Promise<VideoProxy | null>;

export interface ProxyOptions {
  /** content.video.ffmpeg: a name on PATH or a path. */
  ffmpeg: string;
  log: Logger;
  /** ffmpeg is stopped after this long (default 5 min): the original goes instead. */
  timeoutMs?: number;
  /** Where the temp folders are made (default the system's). */
  tmpRoot?: string;
}

/** The proxy: at most 360 pixels on the short side, 2 frames a second, H.264 at about 250 kbit/s, mono 32 kbit/s. */
export const PROXY = { shortSide: 360, fps: 2, videoKbps: 250, audioKbps: 32 } as const;

export function videoProxyMaker(o: ProxyOptions): ProxyMaker {
  const timeoutMs = o.timeoutMs ?? 300_000;
  const make = async (videoPath: string): Promise<VideoProxy | null> => {
    const dir = await mkdtemp(join(o.tmpRoot ?? tmpdir(), 'centinela-proxy-'));
    const remove = (): Promise<void> => rm(dir, { recursive: true, force: true });
    const out = join(dir, 'proxy.mp4');
    try {
      const run = await runTool(o.ffmpeg, proxyArgs(videoPath, out), timeoutMs);
      if (run.kind !== 'done') {
        const detail = run.kind === 'failed' ? `${run.why}: ${run.stderr}` : run.why;
        o.log.warn({ path: videoPath, detail }, 'no small proxy for the caption (ffmpeg): Gemini gets the original');
        await remove();
        return null;
      }
      const [original, proxy] = await Promise.all([stat(videoPath), stat(out)]);
      if (proxy.size >= original.size) {
        // Already small (a short clip at a low bitrate): the copy would cost more than it saves.
        await remove();
        return null;
      }
      o.log.debug({ path: videoPath, bytes: original.size, proxy_bytes: proxy.size }, 'caption proxy made');
      return { path: out, mimeType: 'video/mp4', remove };
    } catch (err) {
      await remove();
      throw err;
    }
  };
  // Never a reason to lose the caption: a temp folder that cannot be made, a file gone, is the original sent.
  return (videoPath) =>
    make(videoPath).catch((err: unknown) => {
      o.log.warn({ path: videoPath, err }, 'no small proxy for the caption: Gemini gets the original video');
      return null;
    });
}

function proxyArgs(input: string, output: string): string[] {
  const s = PROXY.shortSide;
  // The short side down to `s` (never up), the other in proportion; both even, as yuv420p needs.
  const scale = `scale='if(gt(iw,ih),-2,trunc(min(${s},iw)/2)*2)':'if(gt(iw,ih),trunc(min(${s},ih)/2)*2,-2)'`;
  return [
    '-nostdin',
    '-v',
    'error',
    '-y',
    ...inputOptions(),
    '-i',
    inputUrl(input),
    ...['-map', '0:v:0', '-map', '0:a:0?'],
    ...['-vf', `fps=${PROXY.fps},${scale}`],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p'],
    ...['-b:v', `${PROXY.videoKbps}k`, '-maxrate', `${PROXY.videoKbps}k`, '-bufsize', `${PROXY.videoKbps * 2}k`],
    ...['-c:a', 'aac', '-ac', '1', '-ar', '16000', '-b:a', `${PROXY.audioKbps}k`],
    ...['-map_metadata', '-1', '-movflags', '+faststart'],
    output,
  ];
}
