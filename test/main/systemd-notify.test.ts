// Under a Type=notify unit: the real `systemd-notify` binary, through a Unix datagram socket standing in for
// systemd's (test/support/notify-socket.py), gets READY=1 once the service answers, WATCHDOG=1 while the loop and
// the store answer, nothing once the event loop is blocked, and STOPPING=1 when a stop begins.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { REPO, startService, tempDir } from '../support/service.ts';
import type { RunningService } from '../support/service.ts';
import { eventually } from '../support/stores.ts';

const python = spawnSync('python3', ['--version']).status === 0;
const notifyBinary = spawnSync('systemd-notify', ['--help']).status === 0;
if (!python || !notifyBinary)
  console.warn(
    'systemd notify tests skipped: they need python3 (the fake socket) and systemd-notify (apt-get install systemd)',
  );

interface FakeSocket {
  path: string;
  messages: Array<{ at: number; data: string }>;
  proc: ChildProcess;
}

const running: Array<{ kill(): void }> = [];
afterEach(() => {
  for (const r of running.splice(0)) r.kill();
});

async function fakeNotifySocket(): Promise<FakeSocket> {
  const path = join(tempDir('centinela-notify-'), 'notify.sock');
  const proc = spawn('python3', [join(REPO, 'test/support/notify-socket.py'), path], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  running.push({ kill: () => proc.kill('SIGKILL') });
  const messages: FakeSocket['messages'] = [];
  let pending = '';
  proc.stdout.on('data', (d: Buffer) => {
    pending += d.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) messages.push(JSON.parse(line) as { at: number; data: string });
  });
  await eventually(() => messages.some((m) => m.data === 'LISTENING'), 'the fake notify socket to listen');
  return { path, messages, proc };
}

/** The states received (a message may carry several lines: MAINPID=…\nREADY=1). */
const states = (socket: FakeSocket): string[] => socket.messages.flatMap((m) => m.data.split('\n'));
const count = (socket: FakeSocket, state: string): number => states(socket).filter((s) => s === state).length;

/** The children of `pid` that still run (not zombies). */
function liveChildren(pid: number): number[] {
  const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  return kids.map(Number).filter((kid) => {
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${kid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  });
}

async function serviceUnder(socket: FakeSocket): Promise<RunningService> {
  const svc = await startService({
    script: join(REPO, 'test/support/hang-service.ts'),
    // A 1 s watchdog: pings every 0.5 s.
    env: { NOTIFY_SOCKET: socket.path, WATCHDOG_USEC: '1000000' },
    timeoutMs: 30_000,
  });
  running.push({ kill: () => svc.proc.kill('SIGKILL') });
  return svc;
}

describe.runIf(python && notifyBinary)('systemd notifications', () => {
  test('READY=1 once /healthz answers, WATCHDOG=1 every half watchdog interval, STOPPING=1 on SIGTERM', async () => {
    const socket = await fakeNotifySocket();
    const svc = await serviceUnder(socket);
    await eventually(() => count(socket, 'READY=1') === 1, 'READY=1', 15_000);
    const ready = socket.messages.find((m) => m.data.includes('READY=1'));
    // Sent by systemd-notify on our behalf, naming the service as the main process.
    expect(ready?.data).toContain(`MAINPID=${svc.proc.pid}`);
    // Nothing was announced before start-up completed: the first message is READY.
    expect(states(socket).filter((s) => !s.startsWith('MAINPID=') && s !== 'LISTENING')[0]).toBe('READY=1');
    expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
    await eventually(() => count(socket, 'WATCHDOG=1') >= 3, 'three watchdog pings', 15_000);
    expect(count(socket, 'STOPPING=1')).toBe(0);
    expect(await svc.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(count(socket, 'STOPPING=1')).toBe(1);
    // STOPPING comes before the stop's end, which the log says last.
    expect(svc.lines.at(-1)).toContain('"msg":"stopped"');
  });

  test('a blocked event loop sends no watchdog ping', async () => {
    const socket = await fakeNotifySocket();
    const svc = await serviceUnder(socket);
    await eventually(() => count(socket, 'WATCHDOG=1') >= 2, 'watchdog pings', 15_000);
    svc.proc.kill('SIGUSR2');
    await eventually(() => existsSync(join(svc.cwd, 'hung')), 'the event loop to block');
    // A ping already on its way (a systemd-notify child spawned before the hang) may still land: wait until every
    // child has exited (a zombie: the blocked service cannot reap it).
    const pid = svc.proc.pid as number;
    await eventually(() => liveChildren(pid).length === 0, 'pings in flight to land');
    const before = count(socket, 'WATCHDOG=1');
    const hungAt = Date.now();
    // Six intervals: a live service would have pinged six times.
    await eventually(() => Date.now() - hungAt > 3000, 'six watchdog intervals');
    expect(count(socket, 'WATCHDOG=1')).toBe(before);
    expect(count(socket, 'STOPPING=1')).toBe(0);
  });
});
