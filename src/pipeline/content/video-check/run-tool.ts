// ffprobe and ffmpeg run as child processes by execFile: no shell (the file's path is data, never a command line),
// a time limit (a file built to stall a demuxer cannot hold a worker) and a bounded output.
import { execFile } from 'node:child_process';

export type ToolRun =
  | { kind: 'done'; stdout: string; stderr: string }
  /** Ran, but exited non-zero, was killed by its time limit or wrote more than it may. */
  | { kind: 'failed'; stderr: string; why: string }
  /** Could not be started: not installed, not on PATH, not executable. */
  | { kind: 'missing'; why: string };

const MAX_OUTPUT = 4 * 1024 * 1024;

/** Runs `tool args…`; a shutdown's `signal` rejects (not a verdict on the file). */
export function runTool(tool: string, args: string[], timeoutMs: number, signal?: AbortSignal): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    execFile(
      tool,
      args,
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: MAX_OUTPUT, encoding: 'utf8', signal, windowsHide: true },
      (err, stdout, stderr) => {
        if (!err) return resolve({ kind: 'done', stdout, stderr });
        const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null };
        if (signal?.aborted) return reject(signal.reason instanceof Error ? signal.reason : err);
        if (typeof e.code === 'string' && ['ENOENT', 'EACCES', 'ENOTDIR'].includes(e.code)) {
          return resolve({ kind: 'missing', why: `${tool} cannot be run (${e.code})` });
        }
        if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
          return resolve({ kind: 'failed', stderr: tail(stderr), why: `${tool} wrote more than ${MAX_OUTPUT} bytes` });
        }
        if (e.killed || e.signal) {
          return resolve({
            kind: 'failed',
            stderr: tail(stderr),
            why: `${tool} did not finish within ${timeoutMs} ms`,
          });
        }
        resolve({ kind: 'failed', stderr: tail(stderr), why: `${tool} exited with code ${String(e.code)}` });
      },
    );
  });
}

/** The last lines of a tool's complaints, for the log (a damaged file can make ffmpeg write thousands). */
export function tail(text: string, max = 600): string {
  const t = text.trim();
  return t.length > max ? `…${t.slice(-max)}` : t;
}
