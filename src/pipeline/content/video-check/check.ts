// The check a stored video passes before it becomes a post: small and short enough for the target, a video by
// its first bytes, read by ffprobe (duration, codecs, size, frame rate) and decoding at its start and its end.
// Without ffprobe only the size and the first bytes are checked, and the result says so.
import { stat } from 'node:fs/promises';
import type { Config } from '../../../core/config.ts';
import { formatBytes, formatDuration } from '../../../core/format.ts';
import type { MessageRef } from '../../../core/messages.ts';
import { notAVideo } from '../../intake/index.ts';
import { decodes } from './decode.ts';
import { probe } from './probe.ts';
import type { PictureInfo } from './probe.ts';

export type VideoSettings = Config['content']['video'];

export interface VideoInfo {
  bytes: number;
  /** MP4, MOV or Matroska/WebM; null when ffprobe did not run. */
  container: string | null;
  durationMs: number | null;
  video: PictureInfo | null;
  audio: { codec: string } | null;
  /** ffprobe read the file. */
  probed: boolean;
  /** ffmpeg decoded its start and its end without an error. */
  decoded: boolean;
  /** What was not checked and why (ffprobe or ffmpeg missing); null when every check ran. */
  skipped: string | null;
}

/** Why a video is refused: the quarantine and the log keep it; only `damaged` and `not_video` mean a bad file. */
export type VideoProblem = 'too_large' | 'too_long' | 'not_video' | 'no_picture' | 'damaged';

export type VideoCheck =
  | { ok: true; info: VideoInfo }
  | {
      ok: false;
      problem: VideoProblem;
      /** For the creator, in their language. */
      reason: MessageRef;
      /** Technical, for the log and the admins (ffprobe's or ffmpeg's own words). */
      detail: string;
    };

/**
 * Checks the video at `path` against `content.video`. A refusal is a verdict on the file (the caller quarantines
 * it: quarantineRefusedVideo); a file that cannot be opened, or a shutdown through `signal`, throws instead.
 */
export async function checkVideo(
  path: string,
  settings: VideoSettings,
  options: { signal?: AbortSignal } = {},
): Promise<VideoCheck> {
  const { signal } = options;
  const bytes = (await stat(path)).size;
  if (bytes > settings.max_bytes) {
    const [size, max] = [formatBytes(bytes), formatBytes(settings.max_bytes)];
    return refuse(
      'too_large',
      { key: 'video-check-too-large', vars: { size, max } },
      `${size} > content.video.max_bytes ${max}`,
    );
  }
  // First bytes before ffprobe: a PDF or a playlist renamed .mp4 never reaches a demuxer.
  const notVideo = await notAVideo(path);
  if (notVideo) return refuse('not_video', { key: 'problem-not-video' }, notVideo);

  const probed = await probe(settings.ffprobe, path, signal);
  if (probed.kind === 'missing') {
    const skipped = `${probed.why}: only the first bytes were checked (no duration, codec or decoding check)`;
    return {
      ok: true,
      info: {
        bytes,
        container: null,
        durationMs: null,
        video: null,
        audio: null,
        probed: false,
        decoded: false,
        skipped,
      },
    };
  }
  if (probed.kind === 'unreadable') return refuse('damaged', { key: 'video-check-damaged' }, probed.detail);
  const { info } = probed;
  const summary = `${info.formatName}, ${info.video ? `${info.video.codec} ${info.video.width}x${info.video.height}` : 'no picture'}`;
  if (!info.video)
    return refuse('no_picture', { key: 'video-check-no-picture' }, `ffprobe found no video stream (${summary})`);
  if (info.durationMs !== null && info.durationMs > settings.max_duration) {
    const [duration, max] = lengths(info.durationMs, settings.max_duration);
    return refuse(
      'too_long',
      { key: 'video-check-too-long', vars: { duration, max } },
      `${duration} > content.video.max_duration ${max}`,
    );
  }

  const decoded = await decodes(settings.ffmpeg, path, info.audio !== null, signal);
  if (decoded.kind === 'broken')
    return refuse('damaged', { key: 'video-check-damaged' }, `${decoded.detail} (${summary})`);
  const skipped = decoded.kind === 'missing' ? `${decoded.why}: not test-decoded` : null;
  return {
    ok: true,
    info: {
      bytes,
      container: info.container,
      durationMs: info.durationMs,
      video: info.video,
      audio: info.audio,
      probed: true,
      decoded: decoded.kind === 'plays',
      skipped,
    },
  };
}

function refuse(problem: VideoProblem, reason: MessageRef, detail: string): VideoCheck {
  return { ok: false, problem, reason, detail };
}

/** The two durations for people; "1h + 20s" when rounding would show the same text twice ("1h, over the 1h limit"). */
function lengths(ms: number, maxMs: number): [string, string] {
  const [text, max] = [formatDuration(ms), formatDuration(maxMs)];
  return [text === max ? `${max} + ${formatDuration(ms - maxMs)}` : text, max];
}
