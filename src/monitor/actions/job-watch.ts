// Waits for a queue job to finish: done is a repair that held, failed or dead is a failed try. The try's time
// limit bounds the wait (a job still waiting or retrying on its own at the deadline is a try that timed out).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Queue } from '../../core/queue/index.ts';
import { fail, ok } from './action.ts';
import type { TryResult } from './action.ts';

const POLL_MS = 200;

export async function watchJob(queue: Queue, id: number, signal: AbortSignal): Promise<TryResult> {
  for (;;) {
    const job = await queue.get(id);
    if (!job) return fail(`job #${id} no longer exists (pruned or deleted)`, true);
    if (job.state === 'done') return ok(`job #${id} (${job.queue}) is done`);
    if (job.state === 'failed' || job.state === 'dead')
      return fail(`job #${id} (${job.queue}) failed again: ${job.lastError ?? 'no error recorded'}`);
    if (job.state === 'cancelled')
      return fail(`job #${id} (${job.queue}) was cancelled meanwhile; not running it again`, true);
    await sleep(POLL_MS, undefined, { signal });
  }
}
