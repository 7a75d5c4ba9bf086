// The monitor's repair actions on a real file system (temp dirs) and a real SQLite store: each action repairs and
// its check confirms; paths outside the allowed roots, dry runs and time limits change nothing.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmod, lstat, mkdir, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Queue } from '../../../src/core/queue/index.ts';
import { ACTION_TYPES } from '../../../src/monitor/actions/index.ts';
import type { RepairDeps, Repairs } from '../../../src/monitor/actions/index.ts';
import type { ActionPlan, ContainerState, DockerApi, Finding } from '../../../src/monitor/types.ts';
import { intakePaused, resumeIntake } from '../../../src/pipeline/intake/index.ts';
import { testRepairs } from '../../support/repairs.ts';
import { tempDir } from '../../support/service.ts';
import { createTestStore, testQueue } from '../../support/stores.ts';
import type { TestStore } from '../../support/stores.ts';

const ROOT = process.getuid?.() === 0;

function finding(
  type: string,
  params: ActionPlan['params'],
  more: { fields?: Record<string, string>; target?: string; plan?: Partial<ActionPlan> } = {},
): Finding {
  return {
    rule: 'test_rule',
    errorType: 'test_error',
    severity: 'warning',
    target: more.target ?? `${type}:${JSON.stringify(params)}`,
    message: 'something broke',
    fields: more.fields ?? {},
    action: { type, params, attempts: 1, backoffMs: [], ...more.plan },
    notify: 'on_failure',
  };
}

let t: TestStore;
let queue: Queue;
let dir: string;
let media: string;
let data: string;
let outside: string;
let waits: number[];
let tries: Array<[number, number]>;

beforeEach(async () => {
  t = await createTestStore('sqlite');
  queue = await testQueue(t.store);
  dir = tempDir('centinela-actions-');
  media = join(dir, 'media');
  data = join(dir, 'data');
  outside = join(dir, 'outside');
  for (const d of [media, data, outside]) await mkdir(d);
  waits = [];
  tries = [];
});

afterEach(async () => {
  await queue.stop(1000);
  await t.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function repairs(over: Partial<RepairDeps> = {}): Promise<Repairs> {
  return testRepairs({
    store: t.store,
    queue,
    allowedRoots: [media],
    dataDir: data,
    botApi: { apiRoot: 'http://127.0.0.1:9', token: null },
    breaker: { maxRepairs: 100, windowMs: 60_000, healthyForMs: 60_000 },
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...over,
  });
}

const onAttempt = async (n: number, max: number): Promise<void> => {
  tries.push([n, max]);
};

describe('create_folder', () => {
  it('creates a missing folder with its parent folder mode and checks it is a folder', async () => {
    await chmod(media, 0o2775);
    const path = join(media, 'victor', '2026', 'jan');
    const out = await (await repairs()).run(finding('create_folder', {}, { fields: { path } }), onAttempt);
    expect(out).toMatchObject({ result: 'repaired', attempts: 1 });
    expect(out.detail).toContain(path);
    expect(tries).toEqual([[1, 1]]);
    for (const d of [join(media, 'victor'), join(media, 'victor', '2026'), path]) {
      const s = await stat(d);
      expect(s.isDirectory()).toBe(true);
      expect(s.mode & 0o7777).toBe(0o2775);
    }
  });

  it.runIf(ROOT)('gives the folders it creates to monitor.owner', async () => {
    const path = join(media, 'ana', 'new');
    const out = await (await repairs({ owner: '65534:65534' })).run(finding('create_folder', { path }), onAttempt);
    expect(out.result).toBe('repaired');
    expect((await stat(join(media, 'ana'))).uid).toBe(65534);
    expect((await stat(path)).gid).toBe(65534);
  });

  it('fails without retrying when a file is in the way', async () => {
    await writeFile(join(media, 'taken'), 'x');
    const out = await (
      await repairs()
    ).run(
      finding('create_folder', { path: join(media, 'taken') }, { plan: { attempts: 3, backoffMs: [1000] } }),
      onAttempt,
    );
    expect(out).toMatchObject({ result: 'failed', attempts: 1 });
    expect(out.detail).toMatch(/not a folder/);
    expect(waits).toEqual([]);
  });
});

describe('the allowed roots', () => {
  it('refuses a path outside the roots (absolute, .., a symlink out, a dangling symlink) and touches nothing', async () => {
    await symlink(outside, join(media, 'link-out'));
    await symlink(join(outside, 'not-yet'), join(media, 'dangling'));
    const r = await repairs();
    const paths = [
      join(outside, 'a'),
      join(media, '..', 'outside', 'b'),
      `${media}/victor/../../outside/c`,
      join(media, 'link-out', 'd'),
      join(media, 'dangling', 'e'),
      '/etc/centinela-test',
    ];
    for (const path of paths) {
      const out = await r.run(finding('create_folder', { path }), onAttempt);
      expect(out.result, path).toBe('refused');
      expect(out.attempts).toBe(0);
      expect(out.detail).toMatch(/outside the folders repairs may touch|symlink to something that does not exist/);
    }
    expect(await readdir(outside)).toEqual([]);
    expect(tries).toEqual([]);
    const denied = await r.run(finding('create_folder', { path: join(media, 'link-out', 'd') }), onAttempt);
    expect(denied.detail).toContain(`it leads to ${join(outside, 'd')}`);
    expect(denied.detail).toContain('monitor.allowed_roots');
  });

  it('allows paths.data and every allowed root, and a symlink that stays inside', async () => {
    const extra = join(dir, 'extra');
    await mkdir(extra);
    await mkdir(join(media, 'real'));
    await symlink(join(media, 'real'), join(media, 'link-in'));
    const r = await repairs({ allowedRoots: [media, extra] });
    for (const path of [join(data, 'x'), join(extra, 'y'), join(media, 'link-in', 'z')]) {
      expect((await r.run(finding('create_folder', { path }), onAttempt)).result, path).toBe('repaired');
    }
    expect((await stat(join(media, 'real', 'z'))).isDirectory()).toBe(true);
  });
});

describe('fix_owner', () => {
  it('fails with a clear message when monitor.owner is not set, and touches nothing', async () => {
    await writeFile(join(media, 'f'), 'x');
    const before = await stat(join(media, 'f'));
    const out = await (await repairs()).run(finding('fix_owner', { path: join(media, 'f') }), onAttempt);
    expect(out).toMatchObject({ result: 'failed', attempts: 0 });
    expect(out.detail).toContain('set monitor.owner');
    expect((await stat(join(media, 'f'))).uid).toBe(before.uid);
  });

  it('names an unknown user', async () => {
    await writeFile(join(media, 'f'), 'x');
    const out = await (
      await repairs({ owner: 'no_such_user_here' })
    ).run(finding('fix_owner', { path: join(media, 'f') }), onAttempt);
    expect(out.result).toBe('failed');
    expect(out.detail).toMatch(/no_such_user_here .*not in \/etc\/passwd/);
  });

  it('chowns to uid:gid and to a user name from /etc/passwd (as root), or says plainly that only root may', async () => {
    const file = join(media, 'locked.mp4');
    await writeFile(file, 'x');
    const out = await (await repairs({ owner: '65534:65534' })).run(finding('fix_owner', { path: file }), onAttempt);
    if (ROOT) {
      expect(out).toMatchObject({ result: 'repaired', attempts: 1 });
      expect((await stat(file)).uid).toBe(65534);
      const other = join(media, 'other');
      await writeFile(other, 'y');
      expect(
        (await (await repairs({ owner: 'nobody' })).run(finding('fix_owner', { path: other }), onAttempt)).result,
      ).toBe('repaired');
      expect((await stat(other)).gid).toBe(65534);
    } else {
      expect(out.result).toBe('failed');
      expect(out.detail).toContain('only root may change');
    }
  });

  it.runIf(ROOT)(
    'changes a symlink itself, does not follow it out of the roots, and says the repair did not hold (issue 11.14)',
    async () => {
      const secret = join(outside, 'secret');
      await writeFile(secret, 's');
      await symlink(secret, join(media, 'link'));
      const out = await (
        await repairs({ owner: '65534:65534' })
      ).run(finding('fix_owner', { path: join(media, 'link') }), onAttempt);
      expect(out.result).toBe('failed');
      expect(out.detail).toMatch(/target was left alone .* still denied/);
      expect((await lstat(join(media, 'link'))).uid).toBe(65534);
      expect((await stat(secret)).uid).toBe(0);
    },
  );
});

describe('dry run', () => {
  it('says what it would do and touches nothing', async () => {
    await writeFile(join(media, 'f'), 'x');
    const r = await repairs({ dryRun: true, owner: '65534:65534' });
    const mk = await r.run(finding('create_folder', { path: join(media, 'new') }), onAttempt);
    expect(mk).toEqual({
      result: 'dry_run',
      attempts: 0,
      detail: `dry run: would create folder ${join(media, 'new')} (mkdir -p, mode of its parent folder)`,
    });
    expect((await r.run(finding('fix_owner', { path: join(media, 'f') }), onAttempt)).result).toBe('dry_run');
    expect((await r.run(finding('pause_intake', { reason: 'disk full' }), onAttempt)).result).toBe('dry_run');
    expect(await readdir(media)).toEqual(['f']);
    expect((await stat(join(media, 'f'))).uid).not.toBe(65534);
    expect(await intakePaused(t.store)).toBeNull();
    expect(tries).toEqual([]);
    // A path outside the roots is refused even in a dry run.
    expect((await r.run(finding('create_folder', { path: join(outside, 'x') }), onAttempt)).result).toBe('refused');
  });
});

describe('pause_intake', () => {
  it('pauses intake and checks the flag; pausing again holds too; the remedy is holding, not a repair', async () => {
    const r = await repairs();
    const out = await r.run(
      { ...finding('pause_intake', { reason: 'disk full at /srv/media' }), rule: 'disk' },
      onAttempt,
    );
    expect(out).toMatchObject({ result: 'holding' });
    expect(out.detail).toContain('intake paused: disk full at /srv/media');
    expect((await intakePaused(t.store))?.reason).toBe('disk full at /srv/media');
    const again = await r.run({ ...finding('pause_intake', {}), rule: 'disk' }, onAttempt);
    expect(again.result).toBe('holding');
    expect(again.detail).toContain('paused already (disk full at /srv/media)');
  });

  it('from a log line, pauses only for a path under the allowed roots or a low disk (issue 11.3)', async () => {
    await resumeIntake(t.store);
    let low = false;
    const r = await repairs({ diskLow: async () => low });
    const other = await r.run(finding('pause_intake', { path: '/mnt/backup/x.tar' }), onAttempt);
    expect(other).toMatchObject({ result: 'skipped' });
    expect(other.detail).toMatch(/outside the folders .* no watched disk is under disk.critical_free/);
    expect((await r.run(finding('pause_intake', {}), onAttempt)).result).toBe('skipped');
    expect(await intakePaused(t.store)).toBeNull();
    low = true;
    expect((await r.run(finding('pause_intake', {}), onAttempt)).result).toBe('holding');
    await resumeIntake(t.store);
    low = false;
    expect((await r.run(finding('pause_intake', { path: join(media, 'victor', 'x.mp4') }), onAttempt)).result).toBe(
      'holding',
    );
    expect((await intakePaused(t.store))?.reason).toMatch(/^disk /);
  });
});

/** A Docker API as small as the action needs: states by name, restarts recorded. */
function fakeDocker(
  states: Record<string, ContainerState>,
  after: Partial<ContainerState> = { status: 'running', health: null },
): DockerApi & { restarts: string[] } {
  const restarts: string[] = [];
  return {
    restarts,
    async inspect(name) {
      return states[name] ?? { name, status: 'missing', health: null, restartCount: 0 };
    },
    async restart(name) {
      restarts.push(name);
      const s = states[name];
      if (s) states[name] = { ...s, ...after, restartCount: s.restartCount + 1 };
    },
  };
}

function container(name: string, status: string, health: string | null = null): ContainerState {
  return { name, status, health, restartCount: 0 };
}

describe('restart_container', () => {
  it('restarts a stopped container and checks it runs', async () => {
    const docker = fakeDocker({ botapi: container('botapi', 'exited') });
    const out = await (
      await repairs({ docker })
    ).run(finding('restart_container', {}, { fields: { container: 'botapi' } }), onAttempt);
    expect(out).toMatchObject({ result: 'repaired', attempts: 1 });
    expect(docker.restarts).toEqual(['botapi']);
  });

  it('skips a container that is restarting already, and says so', async () => {
    const docker = fakeDocker({ botapi: container('botapi', 'restarting') });
    const out = await (await repairs({ docker })).run(finding('restart_container', { container: 'botapi' }), onAttempt);
    expect(out).toMatchObject({ result: 'skipped', attempts: 0 });
    expect(out.detail).toContain('restarting already');
    expect(docker.restarts).toEqual([]);
  });

  it('fails when it stays unhealthy, when there is no such container, and without Docker', async () => {
    const docker = fakeDocker(
      { db: container('db', 'running', 'unhealthy') },
      { status: 'running', health: 'unhealthy' },
    );
    const sick = await (
      await repairs({ docker })
    ).run(finding('restart_container', { container: 'db', timeout: '1500ms' }), onAttempt);
    expect(sick.result).toBe('failed');
    expect(sick.detail).toMatch(/restart container db .*timed out after 1.5s/);
    expect(docker.restarts).toEqual(['db']);
    const missing = await (
      await repairs({ docker })
    ).run(finding('restart_container', { container: 'nope' }), onAttempt);
    expect(missing).toMatchObject({ result: 'failed', detail: 'there is no container named nope' });
    const none = await (await repairs()).run(finding('restart_container', { container: 'db' }), onAttempt);
    expect(none.detail).toMatch(/Docker is not available/);
  });

  it('counts restarts in the same breaker budget', async () => {
    const docker = fakeDocker({ botapi: container('botapi', 'exited') });
    const r = await repairs({ docker, breaker: { maxRepairs: 1, windowMs: 60_000, healthyForMs: 60_000 } });
    const f = finding('restart_container', { container: 'botapi' }, { target: 'botapi' });
    expect((await r.run(f, onAttempt)).result).toBe('repaired');
    expect((await r.run(f, onAttempt)).result).toBe('breaker_open');
    expect(docker.restarts).toEqual(['botapi']);
  });
});

describe('time limits', () => {
  it("gives up on a hung Docker call at the try's timeout", async () => {
    const hung: DockerApi = {
      inspect: async (name) => container(name, 'exited'),
      restart: () => new Promise(() => {}),
    };
    const out = await (
      await repairs({ docker: hung })
    ).run(
      finding('restart_container', { container: 'x', timeout: '200ms' }, { plan: { attempts: 2, backoffMs: [5000] } }),
      onAttempt,
    );
    expect(out).toMatchObject({ result: 'failed', attempts: 2 });
    expect(out.detail).toContain('timed out after 200ms');
    expect(waits).toEqual([5000]);
    const stuck: DockerApi = { inspect: () => new Promise(() => {}), restart: async () => {} };
    const pre = await (
      await repairs({ docker: stuck })
    ).run(finding('restart_container', { container: 'x', timeout: '100ms' }), onAttempt);
    expect(pre).toMatchObject({ result: 'failed', attempts: 0 });
    expect(pre.detail).toContain('timed out after 100ms');
  });
});

describe('check_bot_api', () => {
  let server: Server | null = null;
  afterEach(() => {
    server?.close();
    server = null;
  });

  async function botApi(failFirst: number): Promise<{ root: string; calls: string[] }> {
    const calls: string[] = [];
    server = createServer((req, res) => {
      calls.push(req.url ?? '');
      const ok = calls.length > failFirst;
      res.writeHead(ok ? 200 : 502, { 'content-type': 'application/json' });
      res.end(JSON.stringify(ok ? { ok: true, result: { id: 1, is_bot: true, first_name: 'b' } } : { ok: false }));
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return { root: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls };
  }

  it('asks every interval until the server answers, and never shows the token', async () => {
    const { root, calls } = await botApi(2);
    const token = '123456:SECRET-token';
    const out = await (
      await repairs({ botApi: { apiRoot: root, token } })
    ).run(finding('check_bot_api', { interval: '10s', times: 3 }), onAttempt);
    expect(out).toMatchObject({ result: 'repaired', attempts: 1 });
    expect(out.detail).toContain('check 3 of 3');
    expect(calls).toEqual([`/bot${token}/getMe`, `/bot${token}/getMe`, `/bot${token}/getMe`]);
    expect(waits).toEqual([10_000, 10_000]);
    expect(out.detail).not.toContain('SECRET');
  });

  it('fails when it never answers, and without a token', async () => {
    const { root, calls } = await botApi(99);
    const out = await (
      await repairs({ botApi: { apiRoot: root, token: '1:SECRET' } })
    ).run(finding('check_bot_api', { interval: 5000, times: '2' }), onAttempt);
    expect(out.result).toBe('failed');
    expect(out.detail).toContain('HTTP 502');
    expect(out.detail).not.toContain('SECRET');
    expect(calls.length).toBe(2);
    const none = await (await repairs()).run(finding('check_bot_api', {}), onAttempt);
    expect(none).toMatchObject({ result: 'failed', attempts: 0 });
    expect(none.detail).toContain('TELEGRAM_BOT_TOKEN');
  });
});

describe('parameters', () => {
  it('validate() judges a plan early: type, attempts, known parameters and their values', async () => {
    const r = await repairs();
    const plan = (type: string, params: ActionPlan['params'], more: Partial<ActionPlan> = {}): ActionPlan => ({
      type,
      params,
      attempts: 1,
      backoffMs: [],
      ...more,
    });
    expect(ACTION_TYPES).toEqual([
      'retry_job',
      'create_folder',
      'fix_owner',
      'quarantine_refetch',
      'pause_intake',
      'check_bot_api',
      'restart_container',
    ]);
    expect(r.validate(plan('retry_job', {}))).toBeNull(); // job_id comes from the rule's captured fields
    expect(r.validate(plan('check_bot_api', { interval: '10s', times: 3 }))).toBeNull();
    expect(r.validate(plan('reboot', {}))).toMatch(/unknown action type "reboot"; known types: retry_job, /);
    expect(r.validate(plan('retry_job', {}, { attempts: 0 }))).toMatch(/attempts must be a whole number of 1 or more/);
    expect(r.validate(plan('retry_job', {}, { backoffMs: [-1] }))).toMatch(/backoff/);
    expect(r.validate(plan('check_bot_api', { interval: '10x' }))).toMatch(/interval must be a duration such as 10s/);
    expect(r.validate(plan('check_bot_api', { intervall: '10s' }))).toBe(
      'check_bot_api: unknown parameter intervall; it takes interval, times, timeout',
    );
    expect(r.validate(plan('retry_job', { job_id: 'abc' }))).toMatch(/job_id must be a whole number/);
    expect(r.validate(plan('create_folder', { path: '' }))).toMatch(/path is empty/);
  });

  it('refuses to run with a bad or missing parameter, and says which', async () => {
    const r = await repairs();
    const bad = await r.run(finding('retry_job', {}, { fields: { job_id: 'abc' } }), onAttempt);
    expect(bad).toMatchObject({ result: 'refused', attempts: 0 });
    expect(bad.detail).toMatch(/^retry_job: job_id must be a whole number/);
    const missing = await r.run(finding('create_folder', {}), onAttempt);
    expect(missing).toMatchObject({
      result: 'refused',
      detail: 'create_folder: path is required: the file or folder to repair',
    });
    expect(tries).toEqual([]);
  });
});
