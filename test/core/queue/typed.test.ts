// Declared queues, run against real SQLite and real PostgreSQL: payloads checked by their schema when claimed (a
// mismatch is dead at once, saying what was wrong and how to run it again), keys made by the declaration, and the
// named reads other modules use instead of SQL on the jobs table.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JobRecords, defineQueue } from '../../../src/core/queue/index.ts';
import type { Queue } from '../../../src/core/queue/index.ts';
import { STORE_KINDS, createTestStore, eventually, testQueue } from '../../support/stores.ts';
import type { TestStore } from '../../support/stores.ts';
import { anyQueue } from '../../support/queues.ts';

const FILES = defineQueue({
  name: 'typed.files',
  payload: z.object({ fileId: z.number().int().positive() }),
  key: (p) => `typed.files:${p.fileId}`,
});

describe.each(STORE_KINDS)('declared queues on %s', (kind) => {
  let t: TestStore;
  const queues: Queue[] = [];
  const queue = async (): Promise<Queue> => {
    const q = await testQueue(t.store, { maxAttempts: 5 });
    queues.push(q);
    return q;
  };

  beforeEach(async () => {
    t = await createTestStore(kind);
  });
  afterEach(async () => {
    for (const q of queues.splice(0)) await q.stop(1000);
    await t.cleanup();
  });

  it('fails a job whose payload does not match its schema for good, naming the queue, the field and the fix', async () => {
    const q = await queue();
    // Written by something that did not go through the declaration (older code, a hand-made row).
    const { job } = await q.enqueue(anyQueue(FILES.name), { fileId: 'forty-two' });
    const seen: number[] = [];
    q.work(FILES, async ({ job: j }) => void seen.push(j.payload.fileId));
    await eventually(async () => (await q.get(job.id))?.state === 'dead', 'job dead');
    const dead = await q.get(job.id);
    expect(dead?.attempts).toBe(1);
    expect(dead?.lastError).toContain(
      `queue typed.files: the payload of job #${job.id} does not match the queue's schema (fileId: `,
    );
    expect(dead?.lastError).toContain(`centinela jobs retry ${job.id}`);
    expect(seen).toEqual([]);

    // Fixed, it runs again like any dead job.
    await t.store.db
      .updateTable('jobs')
      .set({ payload: JSON.stringify({ fileId: 42 }) })
      .where('id', '=', job.id)
      .execute();
    expect((await q.retry({ ids: [job.id] })).retried).toEqual([job.id]);
    await eventually(async () => (await q.get(job.id))?.state === 'done', 'job done after the fix');
    expect(seen).toEqual([42]);
  });

  it('hands the handler the payload as its schema reads it, and keys jobs as the declaration says', async () => {
    const q = await queue();
    const first = await q.enqueue(FILES, { fileId: 7 });
    const again = await q.enqueue(FILES, { fileId: 7 });
    expect(first.job.key).toBe('typed.files:7');
    expect(again.created).toBe(false);
    expect(again.job.id).toBe(first.job.id);
    await t.store.db
      .updateTable('jobs')
      .set({ payload: JSON.stringify({ fileId: 7, extra: 'dropped' }) })
      .where('id', '=', first.job.id)
      .execute();
    const seen: unknown[] = [];
    q.work(FILES, async ({ job }) => void seen.push(job.payload));
    await eventually(() => seen.length === 1, 'job ran');
    expect(seen).toEqual([{ fileId: 7 }]);
  });

  it('answers named questions: jobs of these payloads, recent failures, activity', async () => {
    const q = await queue();
    const a = await q.enqueue(FILES, { fileId: 1 });
    const b = await q.enqueue(FILES, { fileId: 2 }, { runAt: Date.now() + 60_000 });
    const odd = await q.enqueue(anyQueue(FILES.name), { fileId: 'x' }, { runAt: Date.now() + 60_000 });
    const records = new JobRecords(t.store);

    const ofTwo = await records.of(FILES, { payloads: [{ fileId: 2 }, { fileId: 3 }] });
    expect(ofTwo.map((j) => [j.id, j.payload])).toEqual([[b.job.id, { fileId: 2 }]]);
    const waiting = await records.of(FILES, { states: ['waiting'] });
    expect(waiting.map((j) => [j.id, j.payload])).toEqual([
      [a.job.id, { fileId: 1 }],
      [b.job.id, { fileId: 2 }],
      [odd.job.id, null],
    ]);
    expect(await records.of(FILES, { payloads: [] })).toEqual([]);

    const activity = await records.activity(Date.now());
    expect(activity.get(FILES.name)).toMatchObject({ waiting: 1, lastProgress: null });

    const limited = anyQueue('typed.limited');
    const { job: failed } = await q.enqueue(limited, {}, { maxAttempts: 1 });
    q.work(limited, async () => {
      throw new Error('broken');
    });
    await eventually(async () => (await records.recentFailures(5)).some((j) => j.id === failed.id), 'failure listed');
    const [latest] = await records.recentFailures(5);
    expect(latest).toMatchObject({ id: failed.id, queue: 'typed.limited', state: 'dead', lastError: 'broken' });
  });

  it('refuses a schedule whose payload does not match its queue, and lists schedules by name', async () => {
    const q = await queue();
    await expect(q.schedule(FILES, '0 3 * * *', { fileId: 0 })).rejects.toThrow(
      /schedule typed\.files: its payload does not match queue typed\.files's schema \(fileId: /,
    );
    await q.schedule(FILES, '0 3 * * *', { fileId: 9 }, { name: 'typed.nightly', tz: 'UTC' });
    const schedules = await new JobRecords(t.store).schedules();
    expect(schedules.map((s) => [s.name, s.queue, s.cron, s.tz])).toEqual([
      ['typed.nightly', 'typed.files', '0 3 * * *', 'UTC'],
    ]);
  });
});
