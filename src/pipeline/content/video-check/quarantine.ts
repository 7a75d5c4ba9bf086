// A refused video leaves the creator's folder for the quarantine (core/quarantine.ts) with why, so that nothing is
// lost, a person can look, and the planner never sees it; the creator is told in their language.
import { basename } from 'node:path';
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

/** Moves the file to quarantine with its meta file; returns where it went and the message for the creator. */
export async function quarantineRefusedVideo(
  dataDir: string,
  video: RefusedVideo,
  refusal: Extract<VideoCheck, { ok: false }>,
  now: Date,
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
  const name = video.fileName ?? basename(video.path);
  return { quarantinedPath, tell: { key: 'video-check-refused', vars: { name, reason: refusal.reason } } };
}
