// The queue of the shutdown tests' slow jobs (slow-service.ts works it; tests enqueue on it from outside).
// Only define.ts: slow-service.ts loads this before its warning filter, and the queue's index would load the store.
import { z } from 'zod';
import { defineQueue } from '../../src/core/queue/define.ts';

export const SLOW_QUEUE = defineQueue({
  name: 'test.slow',
  payload: z.object({
    /** How long the job takes. */
    ms: z.number(),
    /** Throw this message after waiting, instead of finishing. */
    fail: z.string().optional(),
  }),
  key: () => null,
});

export type SlowPayload = z.infer<typeof SLOW_QUEUE.payload>;
