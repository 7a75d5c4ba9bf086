// A refused video leaves the creator's folder for the quarantine (core/quarantine.ts) with why, so that nothing is
// lost, a person can look, and the planner never sees it; the creator is told in their language. A bad file (not
// a video, damaged, no picture) is logged at WARN, which the shipped rule video_refused makes an incident (and,
// coming first, keeps file_corrupt from fetching again a file the check refused); one too long or too large for
// the target is the creator's to fix and is logged at INFO.
import { basename } from 'node:path';
import type { Logger } from '../../../core/log.ts';
import type { MessageRef } from '../../../core/messages.ts';
import { quarantineFile } from '../../../core/quarantine.ts';
import type { VideoCheck } from './check.ts';

export interface RefusedVideo {
  /** The intake's file id (files.id), when the video came through the intake. */
  fileId: number | null;
  path: string;
  /** The name the creator knows it by (their file name), else the stored name. */
  fileName: string | null;
  sender: string | null;
  sha256: string | null;
}

/** The message the monitor's rule video_refused matches (config/rules.yaml). */
export const REFUSED_MESSAGE = 'video refused and moved to quarantine';

/** Moves the file to quarantine with its meta file and logs it; returns where it went and the creator's message. */
export async function quarantineRefusedVideo(
  dataDir: string,
  video: RefusedVideo,
  refusal: Extract<VideoCheck, { ok: false }>,
  now: Date,
  log: Logger,
): Promise<{ quarantinedPath: string; tell: MessageRef }> {
  const meta = {
    fileId: video.fileId,
    originalPath: video.path,
    fileName: video.fileName,
    sender: video.sender,
    sha256: video.sha256,
    problem: refusal.problem,
    error: refusal.detail,
  };
  const quarantinedPath = await quarantineFile(dataDir, video.path, now, meta, { by: 'video-check' });
  const bad = refusal.problem === 'not_video' || refusal.problem === 'damaged' || refusal.problem === 'no_picture';
  // `detail`, not `error`: the rules read error fields as text, and ffmpeg's words would look like file_corrupt.
  const fields = { file_id: video.fileId, path: video.path, quarantined: quarantinedPath, problem: refusal.problem };
  log[bad ? 'warn' : 'info']({ ...fields, detail: refusal.detail }, REFUSED_MESSAGE);
  const name = video.fileName ?? basename(video.path);
  return { quarantinedPath, tell: { key: 'video-check-refused', vars: { name, reason: refusal.reason } } };
}
