// Whether a video plays, at a bounded cost whatever its size: ffmpeg decodes its first 2 seconds and its last 3
// (a seek by the container's index, not a read of the file) into nothing. A file cut short — the usual damage of
// an interrupted copy — fails at the end; a broken header or first frames fail at the start. Decoding all of a
// 2 GB file would take minutes of both cores; damage only in the middle is the one case this lets through.
import { inputOptions, inputUrl } from './probe.ts';
import { runTool, tail } from './run-tool.ts';

export type DecodeResult = { kind: 'plays' } | { kind: 'broken'; detail: string } | { kind: 'missing'; why: string };

export const DECODE_TIMEOUT_MS = 60_000;
const HEAD_SECONDS = '2';
const TAIL_SECONDS = '-3';

export async function decodes(
  ffmpeg: string,
  path: string,
  hasAudio: boolean,
  signal?: AbortSignal,
): Promise<DecodeResult> {
  const url = inputUrl(path);
  const args = [
    '-nostdin',
    '-v',
    'error',
    '-xerror', // stop at the first decoding error, with a non-zero exit
    ...inputOptions(),
    '-t',
    HEAD_SECONDS,
    '-i',
    url,
    ...inputOptions(),
    '-sseof',
    TAIL_SECONDS,
    '-i',
    url,
    ...['-map', '0:v:0', '-map', '1:v:0'],
    ...(hasAudio ? ['-map', '0:a:0', '-map', '1:a:0'] : []),
    ...['-f', 'null', '-'],
  ];
  const run = await runTool(ffmpeg, args, DECODE_TIMEOUT_MS, signal);
  if (run.kind === 'missing') return run;
  if (run.kind === 'failed') return { kind: 'broken', detail: `ffmpeg: ${run.why}: ${run.stderr}` };
  // Some damage is only reported ("File ended prematurely" in a Matroska file cut short) with a zero exit: at
  // -v error, any line at all is a fault.
  if (run.stderr.trim()) return { kind: 'broken', detail: `ffmpeg: ${tail(run.stderr)}` };
  return { kind: 'plays' };
}
