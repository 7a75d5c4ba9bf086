// A pipeline registers with the intake for the purpose of its files: the intake hands their stored files to the
// pipeline's queue under the pipeline's key, and asks the pipeline how far a batch of them is and what its summary
// adds. A purpose no pipeline registered for hands nothing on.
import { afterEach, describe, expect, it } from 'vitest';
import { RetryAfter, defineQueue } from '../../../src/core/queue/index.ts';
import type { HandlerContext, Job } from '../../../src/core/queue/index.ts';
import { IntakeRecords, fileJobPayload, handToPipeline } from '../../../src/pipeline/intake/index.ts';
import type { BatchRow, FileRow, Notifier, PipelineFollower } from '../../../src/pipeline/intake/index.ts';
import { batchHandler } from '../../../src/pipeline/intake/batch-job.ts';
import type { BatchPayload } from '../../../src/pipeline/intake/batch-job.ts';
import { createTestStore, quietLog, testQueue } from '../../support/stores.ts';
import type { TestStore } from '../../support/stores.ts';

const CLIPS_QUEUE = defineQueue({ name: 'clips.process', payload: fileJobPayload, key: (p) => `clips:${p.fileId}` });

/** Nothing is sent for a batch without a chat (an upload): every message is a mistake here. */
const silent: Notifier = {
  tell: () => Promise.reject(new Error('no message expected')),
  send: () => Promise.reject(new Error('no message expected')),
  alertAdmins: () => Promise.reject(new Error('no alert expected')),
  text: (lang, key) => `${lang}:${key}`,
};

function batchJob(batchId: string): Job<BatchPayload> {
  const t = Date.now();
  return {
    id: 1,
    queue: 'intake.batch',
    payload: { batchId },
    key: `batch:${batchId}`,
    state: 'active',
    priority: 0,
    runAt: t,
    attempts: 1,
    maxAttempts: 5,
    backoff: { baseMs: 10, capMs: 40 },
    leaseUntil: t + 60_000,
    worker: 'test',
    lastError: null,
    createdAt: t,
    updatedAt: t,
    finishedAt: null,
  };
}

describe('pipelines registered with the intake', () => {
  let t: TestStore | null = null;
  afterEach(async () => {
    await t?.cleanup();
    t = null;
  });

  async function upload(records: IntakeRecords): Promise<{ batch: BatchRow; files: FileRow[] }> {
    const file = (name: string, sha256: string) => ({
      kind: 'video' as const,
      fileName: name,
      mimeType: 'video/mp4',
      size: 10,
      path: `/nowhere/${name}`,
      sha256,
    });
    return records.recordUpload({ source: 'http', purpose: 'video', tags: {} }, [
      file('a.mp4', 'sha-a'),
      file('b.mp4', 'sha-b'),
    ]);
  }

  it("hands a stored file to its purpose's pipeline under the pipeline's key, and nothing where none registered", async () => {
    t = await createTestStore('sqlite');
    const queue = await testQueue(t.store);
    const { files } = await upload(new IntakeRecords(t.store));
    const clips: PipelineFollower = { queue: CLIPS_QUEUE };
    await handToPipeline(queue, {}, files[0] as FileRow);
    expect(await queue.list({ queue: 'clips.process' })).toHaveLength(0);
    await handToPipeline(queue, { video: clips }, files[0] as FileRow);
    await handToPipeline(queue, { video: clips }, files[0] as FileRow); // once per file
    const jobs = await queue.list({ queue: 'clips.process' });
    expect(jobs.map((j) => ({ key: j.key, payload: j.payload }))).toEqual([
      { key: `clips:${files[0]?.id}`, payload: { fileId: files[0]?.id } },
    ]);
  });

  it("follows a batch by its pipeline's standing: waits while files are not done, then ends with its summary", async () => {
    t = await createTestStore('sqlite');
    const records = new IntakeRecords(t.store);
    const { batch, files } = await upload(records);
    let done = 0;
    const summaries: string[] = [];
    const clips: PipelineFollower = {
      queue: CLIPS_QUEUE,
      standing: async () => ({ files, done, summary: (say) => (summaries.push(say('probe')), '') }),
    };
    const handler = batchHandler({ records, notifier: silent, followers: { video: clips } });
    const ctx: HandlerContext<BatchPayload> = {
      job: batchJob(batch.id),
      signal: new AbortController().signal,
      heartbeat: async () => {},
      leaseMs: 60_000,
      log: await quietLog(),
    };
    await expect(handler(ctx)).rejects.toBeInstanceOf(RetryAfter); // stored, yet the pipeline has not finished them
    expect((await records.batch(batch.id))?.state).toBe('closed');
    done = files.length;
    await handler(ctx);
    expect((await records.batch(batch.id))?.state).toBe('done');
    expect(summaries).toEqual([`${batch.language}:probe`]); // once, in the sender's language
  });
});
