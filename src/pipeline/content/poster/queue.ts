// The publish queue: one job per post, keyed by the post, run at its planned time.
import { z } from 'zod';
import { defineQueue } from '../../../core/queue/index.ts';

export const PUBLISH_QUEUE = defineQueue({
  name: 'content.publish',
  payload: z.object({ postId: z.number().int().positive() }),
  key: (p) => `content.publish:${p.postId}`,
});
