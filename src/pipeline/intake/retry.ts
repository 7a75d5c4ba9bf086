// Runs failed items again: downloads that gave up and pipeline jobs that failed (a quarantined file among
// them), all of them or only the files named. Shared by the bot's /retry and `centinela retry`.
import { JobRecords } from '../../core/queue/index.ts';
import type { Job, JobsOf, Queue, QueueDefinition } from '../../core/queue/index.ts';
import type { Store } from '../../core/store/index.ts';
import { DOWNLOAD_QUEUE } from './download-job.ts';
import type { FileJobPayload } from './file-job.ts';
import type { Followers, PipelineFollower } from './followers.ts';
import { IntakeRecords } from './records.ts';

export interface RetryRequest {
  /** Only the pipelines' jobs, not downloads. */
  pipelinesOnly?: boolean;
  /** Only these files (intake file ids); otherwise every failed or dead item. */
  fileIds?: readonly number[];
}

export interface RetryReport {
  retried: Array<{ jobId: number; queue: string; fileId: number | null }>;
  /** Failed jobs left alone because a live job holds their key: that job does the work. */
  skipped: number[];
  /** Named files with nothing to run again, and why (`code` for a translated answer, `reason` in English). */
  nothing: Array<{ fileId: number; code: NothingCode; reason: string }>;
}

const FAILED = ['failed', 'dead'] as const;

export type NothingCode = 'unknown' | 'live' | 'no-job' | 'not-failed';

export async function retryFiles(
  queue: Queue,
  store: Store,
  followers: Followers,
  request: RetryRequest = {},
): Promise<RetryReport> {
  const pipelines = Object.values(followers).filter((f): f is PipelineFollower => f !== undefined);
  const queues = [...(request.pipelinesOnly ? [] : [DOWNLOAD_QUEUE]), ...pipelines.map((f) => f.queue)];
  const failed = await jobsOf(store, queues, {
    states: FAILED,
    payloads: request.fileIds?.map((fileId) => ({ fileId })),
  });
  const report: RetryReport = { retried: [], skipped: [], nothing: [] };
  if (failed.length > 0) {
    const { retried, skipped } = await queue.retry({ ids: failed.map((j) => j.id) });
    report.skipped = skipped;
    const byId = new Map(failed.map((j) => [j.id, j]));
    for (const id of retried) {
      const job = byId.get(id);
      report.retried.push({ jobId: id, queue: job?.queue ?? '', fileId: job?.payload?.fileId ?? null });
    }
    // A download that gave up left its file failed, and the download job does nothing for a file that is not
    // 'received': the file goes back with its job, or the retry would run and do nothing.
    const downloads = report.retried
      .filter((r) => r.queue === DOWNLOAD_QUEUE.name && r.fileId !== null)
      .map((r) => r.fileId as number);
    if (downloads.length > 0) {
      await new IntakeRecords(store).db
        .updateTable('files')
        .set({ state: 'received', error: null, updated_at: Date.now() })
        .where('id', 'in', downloads)
        .where('state', '=', 'failed')
        .execute();
    }
  }
  const covered = new Set(failed.map((j) => j.payload?.fileId));
  const uncovered = (request.fileIds ?? []).filter((id) => !covered.has(id));
  if (uncovered.length > 0) report.nothing = await whyNothing(store, uncovered, queues);
  return report;
}

/** Why each named file has nothing to run again: one read of the files and one of their jobs. */
async function whyNothing(
  store: Store,
  fileIds: readonly number[],
  queues: FileQueue[],
): Promise<RetryReport['nothing']> {
  const known = new Set(
    (
      await new IntakeRecords(store).db
        .selectFrom('files')
        .select('id')
        .where('id', 'in', [...fileIds])
        .execute()
    ).map((f) => f.id),
  );
  const jobs = await jobsOf(store, queues, { payloads: fileIds.map((fileId) => ({ fileId })) });
  return fileIds.map((fileId) => ({
    fileId,
    ...reasonFor(
      fileId,
      known.has(fileId),
      jobs.filter((j) => j.payload?.fileId === fileId).map((j) => j.state),
    ),
  }));
}

type FileQueue = QueueDefinition<FileJobPayload>;

/** The jobs of these queues the filter names, oldest first. */
async function jobsOf(
  store: Store,
  queues: FileQueue[],
  filter: JobsOf<FileJobPayload>,
): Promise<Array<Job<FileJobPayload | null>>> {
  const records = new JobRecords(store);
  const all = await Promise.all(queues.map((q) => records.of(q, filter)));
  return all.flat().sort((a, b) => a.id - b.id);
}

function reasonFor(fileId: number, exists: boolean, states: readonly string[]): { code: NothingCode; reason: string } {
  if (!exists) return { code: 'unknown', reason: `there is no file #${fileId}` };
  if (states.some((s) => s === 'waiting' || s === 'active'))
    return { code: 'live', reason: `file #${fileId} is waiting or being processed already` };
  if (states.length === 0) return { code: 'no-job', reason: `file #${fileId} has no job to run again` };
  return {
    code: 'not-failed',
    reason: `file #${fileId} did not fail (its jobs are ${[...new Set(states)].join(', ')})`,
  };
}
