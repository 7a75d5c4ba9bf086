// What ffprobe says of a file: container, duration, the picture's codec, size and frame rate, the sound's codec.
// Its JSON is checked with zod: only the fields read here, each optional where ffprobe leaves it out.
import { resolve } from 'node:path';
import { z } from 'zod';
import { runTool, tail } from './run-tool.ts';

/** Demuxers ffmpeg may use: the containers taken (MP4/MOV, Matroska/WebM). Anything else — a playlist that names
 * other files or URLs, an image sequence — is refused by ffmpeg itself before it reads further. */
export const DEMUXERS = 'mov,mp4,m4a,3gp,3g2,mj2,matroska,webm';

/** Options for every ffprobe/ffmpeg input: local files only, the taken demuxers only. */
export function inputOptions(): string[] {
  return ['-protocol_whitelist', 'file', '-format_whitelist', DEMUXERS];
}

/** `file:` + an absolute path: never read as an option ("-x.mp4") or another protocol ("concat:…", "http:…"). */
export function inputUrl(path: string): string {
  return `file:${resolve(path)}`;
}

const number = z.union([z.number(), z.string()]).transform((v) => Number(v));

const probeOutput = z.object({
  format: z.object({
    format_name: z.string(),
    duration: number.optional(),
    tags: z.record(z.string(), z.string()).optional(),
  }),
  streams: z.array(
    z.object({
      codec_type: z.string().optional(),
      codec_name: z.string().optional(),
      width: z.number().int().optional(),
      height: z.number().int().optional(),
      avg_frame_rate: z.string().optional(),
      r_frame_rate: z.string().optional(),
      duration: number.optional(),
      disposition: z.object({ attached_pic: z.number().optional() }).optional(),
    }),
  ),
});

export interface PictureInfo {
  codec: string;
  width: number;
  height: number;
  /** Frames a second; null when the file does not say (variable rate with no average). */
  fps: number | null;
}

export interface ProbeInfo {
  /** MP4, MOV or Matroska/WebM (ffprobe names Matroska and WebM with one demuxer). */
  container: string;
  /** ffprobe's demuxer name, for the log. */
  formatName: string;
  durationMs: number | null;
  video: PictureInfo | null;
  audio: { codec: string } | null;
}

export type ProbeResult =
  | { kind: 'read'; info: ProbeInfo }
  | { kind: 'unreadable'; detail: string }
  | { kind: 'missing'; why: string };

export const PROBE_TIMEOUT_MS = 30_000;

export async function probe(ffprobe: string, path: string, signal?: AbortSignal): Promise<ProbeResult> {
  const args = ['-v', 'error', ...inputOptions(), '-print_format', 'json', '-show_format', '-show_streams'];
  const run = await runTool(ffprobe, [...args, inputUrl(path)], PROBE_TIMEOUT_MS, signal);
  if (run.kind === 'missing') return run;
  if (run.kind === 'failed') return { kind: 'unreadable', detail: `ffprobe: ${run.why}: ${run.stderr}` };
  let json: unknown;
  try {
    json = JSON.parse(run.stdout);
  } catch {
    return { kind: 'unreadable', detail: `ffprobe wrote no JSON: ${tail(run.stdout)} ${tail(run.stderr)}` };
  }
  const parsed = probeOutput.safeParse(json);
  if (!parsed.success) return { kind: 'unreadable', detail: `ffprobe's answer lacks ${z.prettifyError(parsed.error)}` };
  return { kind: 'read', info: describe(parsed.data) };
}

function describe({ format, streams }: z.infer<typeof probeOutput>): ProbeInfo {
  // A cover image is a "video" stream of one frame: the picture is the first stream that is not one.
  const picture = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  const sound = streams.find((s) => s.codec_type === 'audio');
  const seconds = [format.duration, ...streams.map((s) => s.duration)].find((d) => d !== undefined && d > 0);
  return {
    container: containerName(format.format_name, format.tags?.major_brand),
    formatName: format.format_name,
    durationMs: seconds === undefined || !Number.isFinite(seconds) ? null : Math.round(seconds * 1000),
    video: picture
      ? {
          codec: picture.codec_name ?? 'unknown',
          width: picture.width ?? 0,
          height: picture.height ?? 0,
          fps: rate(picture.avg_frame_rate) ?? rate(picture.r_frame_rate),
        }
      : null,
    audio: sound ? { codec: sound.codec_name ?? 'unknown' } : null,
  };
}

function containerName(formatName: string, brand: string | undefined): string {
  if (formatName.startsWith('mov,')) return brand?.trim() === 'qt' ? 'MOV' : 'MP4';
  if (formatName.startsWith('matroska')) return 'Matroska/WebM';
  return formatName;
}

/** "30000/1001" → 29.97; "0/0" (unknown) → null. */
function rate(text: string | undefined): number | null {
  const m = /^(\d+)\/(\d+)$/.exec(text ?? '');
  if (!m || Number(m[2]) === 0 || Number(m[1]) === 0) return null;
  return Math.round((Number(m[1]) / Number(m[2])) * 100) / 100;
}
