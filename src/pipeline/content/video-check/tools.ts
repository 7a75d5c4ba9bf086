// Whether ffprobe and ffmpeg are there, and which version: for `centinela doctor`.
import { runTool } from './run-tool.ts';
import type { VideoSettings } from './check.ts';

export interface VideoToolsReport {
  /** Both found: videos get the full check. */
  ok: boolean;
  text: string;
}

export async function describeVideoTools(settings: VideoSettings): Promise<VideoToolsReport> {
  const [ffprobe, ffmpeg] = await Promise.all([version(settings.ffprobe), version(settings.ffmpeg)]);
  const found = (name: string, v: string | null): string => (v ? `${name} ${v}` : `${name} not found`);
  const both = `${found('ffprobe', ffprobe)}, ${found('ffmpeg', ffmpeg)}`;
  if (ffprobe && ffmpeg) return { ok: true, text: `${both}: videos are probed (duration, codecs) and test-decoded` };
  if (ffprobe) return { ok: false, text: `${both}: videos are probed but not test-decoded` };
  return { ok: false, text: `${both}: videos get only the first-bytes check (no duration, codec or decoding check)` };
}

/** "5.1.9-0+deb12u1" from "ffprobe version 5.1.9-0+deb12u1 Copyright …"; null when it cannot be run. */
async function version(tool: string): Promise<string | null> {
  const run = await runTool(tool, ['-version'], 10_000);
  if (run.kind !== 'done') return null;
  return /version (\S+)/.exec(run.stdout)?.[1] ?? 'unknown version';
}
