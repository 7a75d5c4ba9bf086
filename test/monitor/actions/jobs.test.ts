// retry_job against a real queue, and the repair breaker's table, on real SQLite and real PostgreSQL: a dead job
// runs again and is seen done; tries wait their backoff; the breaker opens, survives a restart, and resets only
// after the target stayed healthy.
import { mkdir, readdir } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withTables } from '../../../src/core/store/index.ts';
import type { Queue } from '../../../src/core/queue/index.ts';
import type { RepairDeps, RepairTables, Repairs } from '../../../src/monitor/actions/index.ts';
import type { ActionPlan, Finding } from '../../../src/monitor/types.ts';
import { testRepairs } from '../../support/repairs.ts';
import { tempDir } from '../../support/service.ts';
import { STORE_KINDS, createTestStore, eventually, testQueue } from '../../support/stores.ts';
import type { TestStore } from '../../support/stores.ts';
import { anyQueue } from '../../support/queues.ts';

function finding(
  type: string,
  params: ActionPlan['params'],
  target: string,
  plan: Partial<ActionPlan> = {},
  fields: Record<string, string> = {},
): Finding {
  return {
    rule: 'download_timeout',
    errorType: 'download_timeout',
    severity: 'warning',
    target,
    message: 'download timed out',
    fields,
    action: { type, params, attempts: 1, backoffMs: [], ...plan },
    notify: 'on_failure',
  };
}

describe.each(STORE_KINDS)('repairs on %s', (kind) => {
  let t: TestStore;
  let queue: Queue;
  let dir: string;
  let clock: number;
  let waits: number[];
  let tries: Array<[number, number]>;
  const onAttempt = async (n: number, max: number): Promise<void> => {
    tries.push([n, max]);
  };

  beforeEach(async () => {
    t = await createTestStore(kind);
    queue = await testQueue(t.store);
    dir = tempDir('centinela-repairs-');
    await mkdir(join(dir, 'media'));
    clock = Date.parse('2026-01-05T14:00:00Z');
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
      allowedRoots: [join(dir, 'media')],
      dataDir: join(dir, 'data'),
      breaker: { maxRepairs: 2, windowMs: 60_000, healthyForMs: 30_000 },
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms);
      },
      ...over,
    });
  }

  /** A job on its own queue whose handler fails its first `failures` runs; returns the job id and the run count. */
  async function flakyJob(name: string, failures: number): Promise<{ id: number; runs: () => number }> {
    let runs = 0;
    queue.work(anyQueue(name), async () => {
      runs++;
      if (runs <= failures) throw new Error(`download timed out (run ${runs})`);
    });
    const { job } = await queue.enqueue(anyQueue(name), { fileId: 7 }, { maxAttempts: 1 });
    await eventually(async () => (await queue.get(job.id))?.state === 'dead', `job ${job.id} dead`);
    return { id: job.id, runs: () => runs };
  }

  it('retry_job re-runs a dead job and sees it done', async () => {
    const { id, runs } = await flakyJob('test.flaky', 1);
    const out = await (
      await repairs()
    ).run(finding('retry_job', {}, `job:${id}`, {}, { job_id: String(id) }), onAttempt);
    expect(out).toMatchObject({ result: 'repaired', attempts: 1 });
    expect(out.detail).toContain(`job #${id}`);
    expect((await queue.get(id))?.state).toBe('done');
    expect(runs()).toBe(2);
    // Done already: nothing runs again.
    expect((await (await repairs()).run(finding('retry_job', { job_id: id }, `job:${id}`), onAttempt)).result).toBe(
      'repaired',
    );
    expect(runs()).toBe(2);
  });

  it('retry_job tries 3 times with the backoff between, and fails when the job keeps failing', async () => {
    const { id, runs } = await flakyJob('test.stubborn', 4);
    const plan = { attempts: 3, backoffMs: [1000, 2000, 4000] };
    const out = await (await repairs()).run(finding('retry_job', { job_id: id }, `job:${id}`, plan), onAttempt);
    expect(out).toMatchObject({ result: 'failed', attempts: 3 });
    expect(out.detail).toMatch(/failed again: download timed out \(run 4\) \(after 3 tries\)/);
    expect(waits).toEqual([1000, 2000]);
    expect(tries).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    expect(runs()).toBe(4);

    // One more failure to go: the fourth run works, on the second try; the last backoff value repeats.
    waits = [];
    tries = [];
    const { id: id2, runs: runs2 } = await flakyJob('test.third', 2);
    const ok = await (
      await repairs()
    ).run(finding('retry_job', { job_id: id2 }, `job:${id2}`, { attempts: 4, backoffMs: [500] }), onAttempt);
    expect(ok).toMatchObject({ result: 'repaired', attempts: 2 });
    expect(waits).toEqual([500]);
    expect(runs2()).toBe(3);
  });

  it('retry_job does not duplicate a job still waiting, and gives up on an unknown one at once', async () => {
    const { job } = await queue.enqueue(anyQueue('test.nobody'), { x: 1 }); // no worker: it stays waiting
    const out = await (
      await repairs()
    ).run(finding('retry_job', { job_id: job.id, timeout: '300ms' }, `job:${job.id}`), onAttempt);
    expect(out.result).toBe('failed');
    expect(out.detail).toContain('timed out after 300ms');
    const all = await queue.list({ queue: 'test.nobody' });
    expect(all.map((j) => [j.id, j.state])).toEqual([[job.id, 'waiting']]);

    const unknown = await (
      await repairs()
    ).run(finding('retry_job', { job_id: 999_999 }, 'job:999999', { attempts: 3, backoffMs: [1000] }), onAttempt);
    expect(unknown).toMatchObject({ result: 'failed', attempts: 1 });
    expect(unknown.detail).toContain('there is no job #999999');
    expect(waits).toEqual([]);
  });

  it('the breaker opens after maxRepairs within the window, stays open, and resets only after the healthy period', async () => {
    const media = join(dir, 'media');
    let n = 0;
    const next = (target = 'media-root'): Finding => finding('create_folder', { path: join(media, `f${++n}`) }, target);
    const r = await repairs();
    expect((await r.run(next(), onAttempt)).result).toBe('repaired');
    clock += 10_000;
    expect((await r.run(next(), onAttempt)).result).toBe('repaired');
    clock += 10_000;
    const opened = await r.run(next(), onAttempt);
    expect(opened).toMatchObject({ result: 'breaker_open', attempts: 0 });
    expect(opened.detail).toMatch(
      /repairs of media-root stopped now: more than 2 within 1m; they resume once it has stayed healthy for 30s/,
    );
    expect(await readdir(media)).toEqual(['f1', 'f2']);
    // Another target has its own budget.
    expect((await r.run(next('other'), onAttempt)).result).toBe('repaired');

    // It stays open while problems keep coming, past the window too (a restart, another process: the store holds it).
    for (let i = 0; i < 6; i++) {
      clock += 20_000;
      const later = await (await repairs()).run(next(), onAttempt);
      expect(later.result).toBe('breaker_open');
      expect(later.detail).toContain('stopped since 2026-01-05T14:00:20.000Z');
    }

    await r.healthy('media-root');
    clock += 20_000;
    await r.healthy('media-root');
    // A problem in the healthy period starts it over.
    expect((await r.run(next(), onAttempt)).result).toBe('breaker_open');
    clock += 20_000;
    await r.healthy('media-root');
    clock += 29_999;
    await r.healthy('media-root');
    expect((await r.run(next(), onAttempt)).result).toBe('breaker_open');
    await r.healthy('media-root');
    clock += 30_000;
    await r.healthy('media-root');
    expect((await r.run(next(), onAttempt)).result).toBe('repaired');
    expect(await readdir(media)).toEqual(expect.arrayContaining([`f${n}`]));
    expect((await readdir(media)).length).toBe(4);
  });

  it('a log target (no check says it is healthy) gets repairs again once no problem was seen on it for healthy_for (issue 11.6)', async () => {
    const media = join(dir, 'media');
    let n = 0;
    const next = (): Finding => finding('create_folder', { path: join(media, `g${++n}`) }, '/srv/media/victor');
    const r = await repairs();
    for (let i = 0; i < 2; i++) expect((await r.run(next(), onAttempt)).result).toBe('repaired');
    expect((await r.run(next(), onAttempt)).result).toBe('breaker_open');
    // A problem seen again (a repeat that repaired nothing) starts the quiet period over.
    clock += 20_000;
    await r.seen('/srv/media/victor');
    clock += 20_000;
    expect((await r.run(next(), onAttempt)).result).toBe('breaker_open');
    clock += 30_000;
    // After a restart too: the quiet period is read from the store.
    expect((await (await repairs()).run(next(), onAttempt)).result).toBe('repaired');
  });

  it('the window slides: repairs spread wider than it never open the breaker; refusals and dry runs do not count', async () => {
    const media = join(dir, 'media');
    const r = await repairs();
    for (let i = 0; i < 5; i++) {
      expect((await r.run(finding('create_folder', { path: join(media, `s${i}`) }, 'slow'), onAttempt)).result).toBe(
        'repaired',
      );
      clock += 31_000;
    }
    // Repairs older than the window are dropped, not kept forever.
    const db = withTables<RepairTables>(t.store);
    const kept = await db.selectFrom('monitor_repairs').select('at').where('target', '=', 'slow').execute();
    expect(kept.length).toBeLessThanOrEqual(2);
    const dry = await repairs({ dryRun: true });
    for (let i = 0; i < 3; i++)
      expect((await dry.run(finding('create_folder', { path: join(media, 'd') }, 'fresh'), onAttempt)).result).toBe(
        'dry_run',
      );
    for (let i = 0; i < 3; i++)
      expect((await r.run(finding('create_folder', { path: '/etc/x' }, 'fresh'), onAttempt)).result).toBe('refused');
    expect((await r.run(finding('create_folder', { path: join(media, 'r1') }, 'fresh'), onAttempt)).result).toBe(
      'repaired',
    );
    expect((await r.run(finding('create_folder', { path: join(media, 'r2') }, 'fresh'), onAttempt)).result).toBe(
      'repaired',
    );
    expect((await r.run(finding('create_folder', { path: join(media, 'r3') }, 'fresh'), onAttempt)).result).toBe(
      'breaker_open',
    );
  });
});
