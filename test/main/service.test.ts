// End to end: the real `centinela` command in child processes, over real HTTP, on real SQLite files in temp folders.
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, inject, test } from 'vitest';
import { Queue } from '../../src/core/queue/index.ts';
import type { Job } from '../../src/core/queue/index.ts';
import { openStore } from '../../src/core/store/index.ts';
import type { StatusReport } from '../../src/status.ts';
import { REPO, runCli, startService, tempDir as newTempDir } from '../support/service.ts';
import type { RunningService } from '../support/service.ts';
import { createDatabase } from '../support/postgres.ts';
import { SLOW_QUEUE } from '../support/slow-queue.ts';
import type { SlowPayload } from '../support/slow-queue.ts';
import { anyQueue } from '../support/queues.ts';

const SLOW_SERVICE = join(REPO, 'test/support/slow-service.ts');
/** The queue test/support/slow-service.ts works on (a script: importing values from it would start a service). */
/** Workers look for jobs written by another process (this one) every 100 ms instead of every second. */
const FAST_POLL = { CENTINELA_QUEUE_POLL_MS: '100' };

const running: RunningService[] = [];
const folders: string[] = [];
afterEach(async () => {
  const services = running.splice(0);
  await Promise.all(services.map((s) => s.stop('SIGKILL')));
  for (const dir of [...folders.splice(0), ...services.map((s) => s.cwd)])
    rmSync(dir, { recursive: true, force: true });
});

describe('control API', () => {
  test('healthz, status, metrics and 404 answer with the generated token', async () => {
    const svc = track(await startService());

    const health = await get(svc, '/healthz');
    expect(health.status).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    expect((await get(svc, '/healthz?source=probe')).status).toBe(200);

    expect((statSync(join(svc.cwd, 'data/api-token')).mode & 0o777).toString(8)).toBe('600');
    const token = svc.token();
    expect(token.length).toBeGreaterThanOrEqual(20);

    const refused = await get(svc, '/status');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer');

    const status = await get(svc, '/status', token);
    expect(status.status).toBe(200);
    const report = status.json() as StatusReport;
    expect(report.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(report.running).toBe(true);
    expect(report.uptime_seconds).toBeGreaterThanOrEqual(0);
    expect(report.store).toMatchObject({ kind: 'sqlite', ok: true, location: join(svc.cwd, 'data/centinela.db') });
    expect(report.modules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'http', state: 'running' }),
        expect.objectContaining({ name: 'maintenance', state: 'running' }),
      ]),
    );
    expect(Array.isArray(report.queues)).toBe(true);
    expect(report.queues.map((q) => q.queue)).toContain('maintenance');

    expect((await get(svc, '/metrics')).status).toBe(401);
    const metrics = await get(svc, '/metrics', token);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(metrics.text).toContain('# TYPE centinela_jobs gauge');
    expect(metrics.text).toContain('# TYPE centinela_job_duration_seconds histogram');
    expect(metrics.text).toMatch(/^centinela_process_resident_memory_bytes \d+/m);
    expect(metrics.text).toMatch(/^centinela_tail_losses_total 0$/m);

    const missing = await get(svc, '/nope', token);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/json');
    expect((missing.json() as { error: string }).error).toContain('/nope');
  });

  test('CENTINELA_API_TOKEN is the token when set; a wrong one is refused', async () => {
    const token = 'test-token-0123456789abcdef';
    const svc = track(await startService({ env: { CENTINELA_API_TOKEN: token } }));
    expect((await get(svc, '/status', token)).status).toBe(200);
    expect((await get(svc, '/metrics', token)).status).toBe(200);
    expect((await get(svc, '/status', 'test-token-0123456789abcdeX')).status).toBe(401);
    expect((await get(svc, '/status', 'short')).status).toBe(401);
    expect(() => svc.token()).toThrow(); // no data/api-token is written when the environment gives one
  });

  test('--only http runs without the maintenance module; --only nosuch is a usage error', async () => {
    const svc = track(await startService({ args: ['--only', 'http'] }));
    const report = (await get(svc, '/status', svc.token())).json() as StatusReport;
    expect(report.modules.map((m) => m.name)).toEqual(['http']);
    expect(report.queues.map((q) => q.queue)).not.toContain('maintenance');

    const bad = await runCli(['start', '--only', 'nosuch'], { cwd: tempDir() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--only nosuch: no such module; the modules are http, maintenance');
  });
});

describe('centinela status', () => {
  test('asks the running service, then reads the store and exits 3 once it is down', async () => {
    const svc = track(await startService());
    const env = { CENTINELA_HTTP_PORT: String(svc.port) };

    const up = await runCli(['status'], { cwd: svc.cwd, env });
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/^centinela \S+: running \(pid \d+, up /);
    expect(up.stdout).toContain('module http: running');

    const json = await runCli(['status', '--json'], { cwd: svc.cwd, env });
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as StatusReport;
    expect(report).toMatchObject({ running: true, pid: svc.proc.pid, store: { kind: 'sqlite', ok: true } });

    expect(await svc.stop()).toEqual({ code: 0, signal: null });
    const q = openQueue(svc.cwd);
    try {
      await q.queue.enqueue(anyQueue('test.report'), { n: 1 });
    } finally {
      await q.close();
    }

    const down = await runCli(['status'], { cwd: svc.cwd, env });
    expect(down.code).toBe(3);
    expect(down.stdout).toContain('the service is DOWN (read from the store)');
    expect(down.stdout).toContain('queue test.report: waiting 1');
    expect(down.stdout).toContain('nothing answers at');

    const downJson = await runCli(['status', '--json'], { cwd: svc.cwd, env });
    expect(downJson.code).toBe(3);
    const downReport = JSON.parse(downJson.stdout) as StatusReport;
    expect(downReport.running).toBe(false);
    expect(downReport.queues).toContainEqual(expect.objectContaining({ queue: 'test.report', counts: { waiting: 1 } }));
  });
});

describe('centinela jobs', () => {
  test('lists a dead job, retries it, cancels a waiting one, and refuses bad input', async () => {
    const svc = track(await startService({ script: SLOW_SERVICE, env: FAST_POLL }));
    const q = openQueue(svc.cwd);
    let dead: Job;
    let idle: Job;
    try {
      ({ job: dead } = await q.queue.enqueue(SLOW_QUEUE, { ms: 0, fail: 'boom: no such invoice' }, { maxAttempts: 1 }));
      ({ job: idle } = await q.queue.enqueue(anyQueue('test.idle'), { n: 1 })); // no worker: stays waiting
      await waitFor(async () => (await q.queue.get(dead.id))?.state === 'dead');

      const metrics = (await get(svc, '/metrics', svc.token())).text;
      expect(metrics).toMatch(/^centinela_jobs\{queue="test\.slow",state="dead"\} 1$/m);
      expect(metrics).toMatch(/^centinela_jobs\{queue="test\.idle",state="waiting"\} 1$/m);
      expect(metrics).toMatch(/^centinela_job_duration_seconds_count\{queue="test\.slow",outcome="dead"\} 1$/m);
      // The status summary lists the latest job failures for the admin.
      const status = await runCli(['status'], { cwd: svc.cwd, env: { CENTINELA_HTTP_PORT: String(svc.port) } });
      expect(status.stdout).toMatch(
        new RegExp(`^error: job ${dead.id} \\(test\\.slow\\) dead .*: boom: no such invoice$`, 'm'),
      );
      expect(await stopWithin(svc, 30_000)).toEqual({ code: 0, signal: null });

      const list = await runCli(['jobs', 'list', '--state', 'dead'], { cwd: svc.cwd });
      expect(list.code).toBe(0);
      expect(list.stdout).toMatch(
        new RegExp(`^#${dead.id} test\\.slow dead attempts 1/1 at .*last error: boom: no such invoice$`, 'm'),
      );
      expect(list.stdout).not.toContain(`#${idle.id} `);

      const listJson = await runCli(['jobs', 'list', '--state', 'dead', '--json'], { cwd: svc.cwd });
      expect((JSON.parse(listJson.stdout) as Job[]).map((j) => j.id)).toEqual([dead.id]);

      const retry = await runCli(['jobs', 'retry', String(dead.id)], { cwd: svc.cwd });
      expect(retry.code).toBe(0);
      expect(retry.stdout).toContain(`retried 1 job(s): ${dead.id}`);
      expect(await q.queue.get(dead.id)).toMatchObject({ state: 'waiting', attempts: 0 });

      const cancel = await runCli(['jobs', 'cancel', String(idle.id)], { cwd: svc.cwd });
      expect(cancel.code).toBe(0);
      expect(cancel.stdout).toContain(`cancelled job ${idle.id}`);
      expect((await q.queue.get(idle.id))?.state).toBe('cancelled');

      const again = await runCli(['jobs', 'cancel', String(idle.id)], { cwd: svc.cwd });
      expect(again.code).toBe(1);
      expect(again.stdout).toContain(`job ${idle.id} is not waiting or active`);
    } finally {
      await q.close();
    }

    const notId = await runCli(['jobs', 'cancel', 'abc'], { cwd: svc.cwd });
    expect(notId.code).toBe(2);
    expect(notId.stderr).toContain('"abc" is not a job id');
    const frob = await runCli(['jobs', 'frob'], { cwd: svc.cwd });
    expect(frob.code).toBe(2);
    expect(frob.stderr).toContain('jobs: say list, retry or cancel');
    const badState = await runCli(['jobs', 'list', '--state', 'finished'], { cwd: svc.cwd });
    expect(badState.code).toBe(2);
    expect(badState.stderr).toContain('--state finished: the states are');
    // A service and nine CLI processes, each 1-2 s alone and several times that on a loaded machine.
  }, 180_000);
});

describe('centinela doctor', () => {
  test('passes in a fresh folder without creating the store', async () => {
    const cwd = tempDir();
    const r = await runCli(['doctor'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✓ configuration valid/m);
    expect(r.stdout).toMatch(/^✓ Node\.js v\d+\./m);
    expect(r.stdout).toMatch(/^✓ store sqlite .*centinela\.db/m);
    expect(r.stdout).not.toMatch(/^✗/m);
    expect(() => statSync(join(cwd, 'data'))).toThrow(); // doctor only looks
  });

  test('says the store is migrated after a start', async () => {
    const svc = track(await startService());
    expect(await svc.stop()).toEqual({ code: 0, signal: null });
    const r = await runCli(['doctor'], { cwd: svc.cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`✓ store sqlite ${join(svc.cwd, 'data/centinela.db')} reachable and migrated`);
    expect(r.stdout).toMatch(/^✓ API token in data\/api-token$/m);
  });

  test('fails with the fix when the data folder cannot be created', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'afile'), 'not a folder\n');
    const r = await runCli(['doctor'], { cwd, env: { CENTINELA_PATHS_DATA: join(cwd, 'afile/data') } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^✗ paths\.data .*afile is not a folder\n {4}fix: .+$/m);
    expect(r.stdout).toMatch(/^✗ store sqlite .*cannot be created.*\n {4}fix: .+$/m);
    expect(r.stdout).toMatch(/^✓ Node\.js /m); // the other checks still ran
  });
});

describe('shutdown', () => {
  test('SIGTERM lets the running job finish, then exits 0', async () => {
    const svc = track(await startService({ script: SLOW_SERVICE, env: FAST_POLL }));
    const id = await enqueueSlow(svc, { ms: 1500 });
    await waitFor(() => existsSync(join(svc.cwd, `started-${id}`)), 'the job to start');
    expect(existsSync(join(svc.cwd, `finished-${id}`))).toBe(false);

    expect(await svc.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(existsSync(join(svc.cwd, `finished-${id}`))).toBe(true);
    expect(await jobIn(svc.cwd, id)).toMatchObject({ state: 'done', attempts: 1 });
    expect(svc.lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
  });

  test('after shutdown.timeout_seconds the job is aborted and released without using up an attempt', async () => {
    const svc = track(
      await startService({ script: SLOW_SERVICE, env: { ...FAST_POLL, CENTINELA_SHUTDOWN_TIMEOUT_SECONDS: '1' } }),
    );
    const id = await enqueueSlow(svc, { ms: 10_000 });
    await waitFor(() => existsSync(join(svc.cwd, `started-${id}`)), 'the job to start');

    expect(await svc.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(existsSync(join(svc.cwd, `finished-${id}`))).toBe(false);
    expect(await jobIn(svc.cwd, id)).toMatchObject({ state: 'waiting', attempts: 0, worker: null, leaseUntil: null });
    expect(svc.lines.some((l) => l.includes('shutdown timeout: releasing running jobs'))).toBe(true);
  });

  test('a second signal exits at once with 130; the lease then expires and another process runs the job', async () => {
    const env = { ...FAST_POLL, CENTINELA_QUEUE_LEASE_SECONDS: '2' };
    const first = track(await startService({ script: SLOW_SERVICE, env }));
    const id = await enqueueSlow(first, { ms: 60_000 });
    const started = join(first.cwd, `started-${id}`);
    await waitFor(() => existsSync(started), 'the job to start');

    first.proc.kill('SIGTERM');
    await first.waitForLine((l) => l.includes('"msg":"stopping"'));
    expect(await first.stop('SIGTERM')).toEqual({ code: 130, signal: null });
    expect(first.stderr()).toContain('second SIGTERM: exiting now');
    expect(await jobIn(first.cwd, id)).toMatchObject({ state: 'active', attempts: 1 });

    const second = track(await startService({ script: SLOW_SERVICE, cwd: first.cwd, env }));
    await waitFor(() => readFileSync(started, 'utf8').trim() === String(second.proc.pid), 'the job to run again');
    expect(await jobIn(first.cwd, id)).toMatchObject({ state: 'active', attempts: 2 });
  });
});

describe('health', () => {
  test('/healthz answers 503 naming the store when the store goes away', async () => {
    const db = await createDatabase(inject('postgresUrl'));
    try {
      const svc = track(await startService({ env: { DATABASE_URL: db.url } }));
      const report = (await get(svc, '/status', svc.token())).json() as StatusReport;
      expect(report.store).toMatchObject({ kind: 'postgres', ok: true });

      await db.drop();
      const health = await get(svc, '/healthz');
      expect(health.status).toBe(503);
      const body = health.json() as { status: string; problems: string[] };
      expect(body.status).toBe('unavailable');
      expect(body.problems).toEqual([
        expect.stringMatching(/^store unreachable \(postgres postgres:\/\/postgres@127\.0\.0\.1:\d+\/t_[0-9a-f]+\): /),
      ]);

      expect(await svc.stop()).toEqual({ code: 0, signal: null });
    } finally {
      await db.drop();
    }
  });
});

// --- helpers ---

/** A temp folder removed after the test. */
function tempDir(): string {
  const dir = newTempDir();
  folders.push(dir);
  return dir;
}

function track(svc: RunningService): RunningService {
  running.push(svc);
  return svc;
}

async function get(
  svc: RunningService,
  path: string,
  token?: string,
): Promise<{ status: number; headers: Headers; text: string; json(): unknown }> {
  const res = await fetch(`${svc.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as unknown };
}

/** A second Queue on the service's SQLite file, as another process would open it. */
function openQueue(cwd: string): { queue: Queue; close(): Promise<void> } {
  const store = openStore({
    dataDir: join(cwd, 'data'),
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
  return { queue, close: () => store.close() };
}

/** Enqueues a 'test.slow' job from this process, as another process would. */
async function enqueueSlow(svc: RunningService, payload: SlowPayload): Promise<number> {
  const q = openQueue(svc.cwd);
  try {
    return (await q.queue.enqueue(SLOW_QUEUE, payload)).job.id;
  } finally {
    await q.close();
  }
}

async function jobIn(cwd: string, id: number): Promise<Job | undefined> {
  const q = openQueue(cwd);
  try {
    return await q.queue.get(id);
  } finally {
    await q.close();
  }
}

/** Stops the service, or fails saying what it wrote, instead of hanging until the test's timeout. */
async function stopWithin(
  svc: RunningService,
  ms: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_ok, fail) => {
    timer = setTimeout(
      () =>
        fail(
          new Error(
            `the service did not exit within ${ms} ms of SIGTERM\nstdout:\n${svc.lines.join('\n')}\nstderr:\n${svc.stderr()}`,
          ),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([svc.stop(), late]);
  } finally {
    clearTimeout(timer);
  }
}

async function waitFor(check: () => boolean | Promise<boolean>, what = 'condition', timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
