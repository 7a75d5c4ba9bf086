// `centinela start` stops cleanly however it is asked: SIGTERM or SIGINT, as an ordinary process and as PID 1 of
// its own PID namespace, the way a container runs it (`unshare --pid --fork`: the kernel delivers no signal to a
// namespace's init that has no handler for it, so this fails unless the service installs its own). `npm start`
// is in npm-start.test.ts.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { CLI, cleanEnv, freePort, tempDir } from '../support/service.ts';
import { eventually } from '../support/stores.ts';

const unshare = process.getuid?.() === 0 && spawnSync('unshare', ['--pid', '--fork', 'true']).status === 0;
if (!unshare) console.warn('PID 1 tests skipped: they need root and unshare (util-linux) with PID namespaces');

interface Started {
  proc: ChildProcess;
  cwd: string;
  url: string;
  /** The pid to signal: the service itself (under unshare, its pid as the host sees it). */
  pid: number;
  output(): string;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

/** The only child of `pid` (unshare's forked PID 1). */
function childOf(pid: number): number | null {
  try {
    const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return kids.length === 1 ? Number(kids[0]) : null;
  } catch {
    return null;
  }
}

async function startCli(options: {
  pid1: boolean;
  env?: Record<string, string>;
  waitHealthy?: boolean;
}): Promise<Started> {
  const port = await freePort();
  const cwd = tempDir('centinela-signals-');
  const argv = [process.execPath, CLI, 'start'];
  const [command, args] = options.pid1
    ? ['unshare', ['--pid', '--fork', '--kill-child', ...argv]]
    : [argv[0] as string, argv.slice(1)];
  const proc = spawn(command, args, {
    cwd,
    env: cleanEnv({ CENTINELA_HTTP_PORT: String(port), ...options.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((ok) => proc.on('exit', (code) => ok(code)));
  const url = `http://127.0.0.1:${port}`;
  let pid = proc.pid as number;
  if (options.pid1) {
    await eventually(() => childOf(proc.pid as number) !== null, 'unshare to fork the service');
    pid = childOf(proc.pid as number) as number;
  }
  if (options.waitHealthy ?? true)
    await eventually(
      async () => (await fetch(`${url}/healthz`).catch(() => null))?.status === 200,
      `the service to answer /healthz\n${out}`,
      30_000,
    );
  return { proc, cwd, url, pid, output: () => out, exited };
}

async function statusPid(s: Started): Promise<number> {
  const token = readFileSync(join(s.cwd, 'data/api-token'), 'utf8').trim();
  const res = await fetch(`${s.url}/status`, { headers: { authorization: `Bearer ${token}` } });
  return ((await res.json()) as { pid: number }).pid;
}

describe.each(['SIGTERM', 'SIGINT'] as const)('centinela start, %s', (signal) => {
  test('stops cleanly: exit 0, the whole stop logged', async () => {
    const s = await startCli({ pid1: false });
    process.kill(s.pid, signal);
    expect(await s.exited).toBe(0);
    expect(s.output()).toContain('"msg":"stopped"');
    expect(s.output()).not.toContain('exiting now');
  });

  test.runIf(unshare)('as PID 1 of its own PID namespace (a container), stops cleanly', async () => {
    const s = await startCli({ pid1: true });
    expect(await statusPid(s)).toBe(1);
    process.kill(s.pid, signal);
    expect(await s.exited).toBe(0);
    expect(s.output()).toContain(`"reason":"${signal}"`);
    expect(s.output()).toContain('"msg":"stopped"');
  });

  test.runIf(unshare)('as PID 1, during a start that waits for its database, exits at once', async () => {
    const closed = await freePort(); // nothing listens: the start waits and tries again
    const s = await startCli({
      pid1: true,
      env: { DATABASE_URL: `postgres://centinela@127.0.0.1:${closed}/centinela` },
      waitHealthy: false,
    });
    await eventually(() => s.output().includes('the store does not answer yet'), 'the start to wait for the store');
    process.kill(s.pid, signal);
    expect(await s.exited).toBe(signal === 'SIGINT' ? 130 : 143);
    expect(s.output()).toContain(`${signal} during start-up: exiting`);
  });
});
