// `npm start` stops the service: SIGTERM to npm (what Docker's `CMD npm start`, supervisors and CI send) and a
// terminal's Ctrl-C (SIGINT to npm and the service, one process group) end in the clean stop, the port closed and
// no process left behind. npm runs the script through `sh -c`; the script execs the service so the shell does
// not swallow the signal npm forwards.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, test } from 'vitest';
import { Queue } from '../../src/core/queue/index.ts';
import { openStore } from '../../src/core/store/index.ts';
import { REPO, cleanEnv, freePort, startService, tempDir } from '../support/service.ts';
import { eventually } from '../support/stores.ts';
import { anyQueue } from '../support/queues.ts';

interface NpmStart {
  npm: ChildProcess;
  url: string;
  /** The service's own pid, as /status reports it. */
  pid: number;
  output(): string;
  exited: Promise<number | null>;
}

const started: NpmStart[] = [];
afterEach(() => {
  for (const s of started.splice(0)) {
    for (const pid of [s.pid, s.npm.pid]) {
      try {
        if (pid) process.kill(pid, 'SIGKILL');
      } catch {
        // gone, as it should be
      }
    }
  }
});

/**
 * `npm start` in a temp folder that looks like a checkout (package.json, bin/, node_modules/), so the service's
 * data and logs land there; `ownGroup` puts npm and its children in a process group of their own, like a terminal.
 */
async function npmStart(ownGroup: boolean): Promise<NpmStart> {
  const cwd = tempDir('centinela-npm-start-');
  copyFileSync(join(REPO, 'package.json'), join(cwd, 'package.json'));
  for (const link of ['bin', 'node_modules']) symlinkSync(join(REPO, link), join(cwd, link));
  const port = await freePort();
  const npm = spawn('npm', ['start'], {
    cwd,
    env: cleanEnv({ CENTINELA_HTTP_PORT: String(port) }),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: ownGroup,
  });
  let out = '';
  npm.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  npm.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((ok) => npm.on('exit', (code) => ok(code)));
  const url = `http://127.0.0.1:${port}`;
  await eventually(
    async () => (await fetch(`${url}/healthz`).catch(() => null))?.status === 200,
    'npm start to answer /healthz',
    30_000,
  );
  const token = readFileSync(join(cwd, 'data/api-token'), 'utf8').trim();
  const status = (await (await fetch(`${url}/status`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
    pid: number;
  };
  const s = { npm, url, pid: status.pid, output: () => out, exited };
  started.push(s);
  return s;
}

/** Whether a process is alive (a zombie waiting for its parent counts as gone: it holds nothing). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function expectStopped(s: NpmStart): Promise<void> {
  await s.exited;
  await eventually(
    async () =>
      (await fetch(`${s.url}/healthz`).then(
        () => 'answers',
        () => 'closed',
      )) === 'closed',
    'the port to stop answering',
    15_000,
  );
  await eventually(async () => !alive(s.pid), `the service (pid ${s.pid}) to be gone`, 15_000);
  // The clean stop ran to its end: modules stopped, jobs released, the store closed.
  expect(s.output()).toContain('"msg":"stopped"');
  expect(s.output()).not.toContain('exiting now');
}

describe('npm start', () => {
  test('SIGTERM to npm stops the service cleanly: the port closes and no process is left', async () => {
    const s = await npmStart(false);
    expect(s.pid).not.toBe(s.npm.pid);
    s.npm.kill('SIGTERM');
    await expectStopped(s);
  });

  test('Ctrl-C (SIGINT to the process group) is one clean stop, not two signals', async () => {
    const s = await npmStart(true);
    process.kill(-(s.npm.pid as number), 'SIGINT');
    await expectStopped(s);
  });

  test('SIGTERM to the service itself still stops it cleanly, and npm with it', async () => {
    const s = await npmStart(false);
    process.kill(s.pid, 'SIGTERM');
    await expectStopped(s);
  });

  test("under npm, the same signal again within a second is npm's copy of it: one clean stop, the running job finished", async () => {
    // What a terminal does to `npm start`: the service gets the Ctrl-C, then npm's forwarded copy. Sent here by
    // hand, the copy after the stop has begun, so that it cannot merge with the first in the kernel.
    const svc = await startService({
      script: join(REPO, 'test/support/slow-service.ts'),
      env: { npm_lifecycle_event: 'start', CENTINELA_QUEUE_POLL_MS: '100' },
    });
    const store = openStore({
      dataDir: join(svc.cwd, 'data'),
      sqliteSynchronous: 'normal',
      busyTimeoutMs: 5000,
      poolSize: 1,
    });
    const queue = new Queue({
      store,
      log: pino({ level: 'silent' }),
      pollMs: 100,
      leaseMs: 60_000,
      maxAttempts: 5,
      backoff: { baseMs: 1000, capMs: 60_000 },
    });
    // The queue test/support/slow-service.ts works (importing it here would start a service in this process).
    const { id } = (await queue.enqueue(anyQueue('test.slow'), { ms: 1500 })).job;
    await store.close();
    await eventually(() => existsSync(join(svc.cwd, `started-${id}`)), 'the job to start');
    svc.proc.kill('SIGINT');
    await svc.waitForLine((l) => l.includes('"msg":"stopping"'));
    expect(await svc.stop('SIGINT')).toEqual({ code: 0, signal: null });
    expect(existsSync(join(svc.cwd, `finished-${id}`))).toBe(true);
    expect(svc.stderr()).not.toContain('exiting now');
  });
});
