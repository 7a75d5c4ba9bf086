// The publish queue: one job per post, keyed by the post, run at its planned time.
import { z } from 'zod';
import { defineQueue } from '../../../core/queue/index.ts';
import type { Queue } from '../../../core/queue/index.ts';

export const PUBLISH_QUEUE = defineQueue({
  name: 'content.publish',
  payload: z.object({ postId: z.number().int().positive() }),
  key: (p) => `content.publish:${p.postId}`,
});

/** Withdraws the post's waiting publish job (a job keeps the time it was queued for; a new one replaces it). */
export async function cancelPublishJobs(queue: Queue, postId: number): Promise<void> {
  const waiting = await queue.list({ queue: PUBLISH_QUEUE.name, states: ['waiting'] }, 10_000);
  for (const job of waiting) if (job.key === PUBLISH_QUEUE.key({ postId })) await queue.cancel(job.id);
}
