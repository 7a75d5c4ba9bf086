// retry_job {job_id}: runs a failed or dead job again (a job still waiting or running is watched, not duplicated)
// and holds when the job reaches done within the try's time limit.
import { z } from 'zod';
import type { Job } from '../../core/queue/index.ts';
import { DOWNLOAD_QUEUE, IntakeRecords } from '../../pipeline/intake/index.ts';
import { fail, ok } from './action.ts';
import type { Action, ActionContext, TryResult } from './action.ts';
import { watchJob } from './job-watch.ts';
import { countParam, timeoutParam } from './params.ts';

const schema = z.object({ job_id: countParam('job_id', '42'), timeout: timeoutParam });
type Params = z.infer<typeof schema>;

export const retryJob: Action<Params> = {
  type: 'retry_job',
  schema,
  timeoutMs: (p) => p.timeout ?? 120_000,
  describe: (p) => `run job #${p.job_id} again if it failed, and wait for it to finish`,
  async attempt(p, ctx) {
    const id = p.job_id;
    const job = await ctx.queue.get(id);
    if (!job) return fail(`there is no job #${id}: check the job_id the rule captured`, true);
    if (job.state === 'cancelled')
      return fail(`job #${id} (${job.queue}) was cancelled by someone; not running it again`, true);
    const fileId = downloadFileId(job);
    const records = new IntakeRecords(ctx.store);
    // A download marked done while its file stayed failed (run again before its file was opened) runs once more.
    const gaveUp = fileId !== null && (await records.file(fileId))?.state === 'failed';
    if (job.state === 'failed' || job.state === 'dead' || (job.state === 'done' && gaveUp)) {
      if (fileId !== null && gaveUp) await records.updateFile(fileId, { state: 'received', error: null });
      const { retried } = await ctx.queue.retry({ ids: [id], states: [job.state] });
      if (!retried.includes(id)) {
        const now = await ctx.queue.get(id);
        // Retry skips a job whose unique key another live job holds now: that job does the work.
        if (now && (now.state === 'failed' || now.state === 'dead'))
          return fail(
            `job #${id} (${job.queue}) cannot run again: another live job holds its key ${job.key ?? ''}`,
            true,
          );
      } else {
        ctx.log.info({ job_id: id, queue: job.queue }, 'repair: job queued again');
      }
    }
    const watched = await watchJob(ctx.queue, id, ctx.signal);
    return watched.ok && fileId !== null ? fileOutcome(ctx, fileId, watched) : watched;
  },
};

/**
 * The intake file a download job brings in, or null for any other job. A download job does nothing for a file that
 * is not 'received' (it counts it as done), so a file it gave up on ('failed') is opened again before the rerun.
 */
function downloadFileId(job: Job): number | null {
  return DOWNLOAD_QUEUE.payloadOf(job)?.fileId ?? null;
}

/** A download job that is done holds only if its file arrived (stored, or found to be a duplicate). */
async function fileOutcome(ctx: ActionContext, fileId: number, watched: TryResult): Promise<TryResult> {
  const file = await new IntakeRecords(ctx.store).file(fileId);
  if (file?.state === 'stored' || file?.state === 'duplicate')
    return ok(`${watched.detail}; intake file #${fileId} is ${file.state}`);
  return fail(
    `${watched.detail}, yet intake file #${fileId} is ${file?.state ?? 'gone'}${file?.error ? `: ${file.error}` : ''}`,
  );
}
