// Runs the real `centinela` command in a child process, in a temp folder, for end-to-end tests.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');
export const CLI = join(REPO, 'bin/centinela.js');

export function tempDir(prefix = 'centinela-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? ok(address.port) : fail(new Error('no port'))));
    });
  });
}

/** The parent's environment without anything that would point the child at real accounts or stores. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // npm_*: `npm test` must not make the child believe npm started it (it then takes a quick second signal for npm's copy).
    if (/^(CENTINELA_|TELEGRAM_|OPENAI_|GEMINI_|DATABASE_URL|GOOGLE_|VITEST|NODE_OPTIONS|npm_)/.test(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a CLI command to its end. */
export function runCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<RunResult> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd,
      env: cleanEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`centinela ${args.join(' ')} did not finish in time\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      ok({ code, stdout, stderr });
    });
  });
}

export interface RunningService {
  proc: ChildProcess;
  cwd: string;
  port: number;
  url: string;
  /** Lines the process wrote to stdout so far. */
  lines: string[];
  stderr(): string;
  token(): string;
  waitForLine(test: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Sends a signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `centinela start` (or another script that starts the service) in `cwd` on a free port and waits
 * until /healthz answers 200.
 */
export async function startService(
  options: {
    cwd?: string;
    env?: Record<string, string>;
    args?: string[];
    script?: string;
    timeoutMs?: number;
    umask?: '022' | '027' | '077';
    /** What tells it is up: a 200 from /healthz (default), or its "centinela started" log line (no HTTP: `--only worker`; needs CENTINELA_LOG_STDOUT=true). */
    ready?: 'healthz' | 'started';
  } = {},
): Promise<RunningService> {
  const cwd = options.cwd ?? tempDir();
  const port = await freePort();
  const argv = options.script ? [options.script, ...(options.args ?? [])] : [CLI, 'start', ...(options.args ?? [])];
  // With a umask, through a shell that sets it and then becomes node (exec): the process is still the service.
  const [command, args] = options.umask
    ? ['/bin/sh', ['-c', `umask ${options.umask} && exec "$0" "$@"`, process.execPath, ...argv]]
    : [process.execPath, argv];
  const proc = spawn(command, args, {
    cwd,
    env: cleanEnv({ CENTINELA_HTTP_PORT: String(port), ...options.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let pending = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  proc.stdout?.on('data', (d: Buffer) => {
    pending += d.toString();
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    lines.push(...parts);
    for (const w of waiters) w();
  });
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) =>
    proc.on('exit', (code, signal) => ok({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;

  const waitForLine = (test: (line: string) => boolean, timeoutMs = 15_000): Promise<string> =>
    new Promise((ok, fail) => {
      const check = (): void => {
        const hit = lines.find(test);
        if (hit !== undefined) {
          waiters.delete(check);
          clearTimeout(timer);
          ok(hit);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        fail(new Error(`no matching line within ${timeoutMs} ms; stdout:\n${lines.join('\n')}\nstderr:\n${stderr}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });

  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (;;) {
    if (proc.exitCode !== null)
      throw new Error(
        `service exited with ${proc.exitCode}\nstdout:\n${lines.join('\n')}${pending}\nstderr:\n${stderr}`,
      );
    if (options.ready === 'started') {
      if (lines.some((l) => l.includes('"msg":"centinela started"'))) break;
    } else {
      try {
        const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
        if (res.status === 200) break;
      } catch {
        // not listening yet
      }
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`service did not become healthy\nstdout:\n${lines.join('\n')}\nstderr:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    proc,
    cwd,
    port,
    url,
    lines,
    stderr: () => stderr,
    token: () => readFileSync(join(cwd, 'data/api-token'), 'utf8').trim(),
    waitForLine,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}
