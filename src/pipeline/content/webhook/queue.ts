// The webhook queue: one delivery per post and target (keyed by both), queued when the post is out on Telegram.
import { z } from 'zod';
import { defineQueue } from '../../../core/queue/index.ts';

export const WEBHOOK_QUEUE = defineQueue({
  name: 'content.webhook',
  payload: z.object({
    postId: z.number().int().positive(),
    /** The target's url (content.targets[].url): the target is found by it when the job runs. */
    url: z.string().min(1),
    /** When the post went out (or an admin said it did), epoch ms. */
    publishedAt: z.number().int().nonnegative(),
  }),
  key: (p) => `content.webhook:${p.postId}:${p.url}`,
});

export type WebhookPayload = z.infer<typeof WEBHOOK_QUEUE.payload>;
