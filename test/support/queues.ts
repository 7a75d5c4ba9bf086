// Queues that tests declare on the spot: any payload (the handler gets it as it was enqueued), no unique key unless
// the test gives a rule for one.
import { z } from 'zod';
import { defineQueue } from '../../src/core/queue/index.ts';
import type { QueueDefinition } from '../../src/core/queue/index.ts';

export function anyQueue(
  name: string,
  key: (payload: unknown) => string | null = () => null,
): QueueDefinition<unknown> {
  return defineQueue({ name, payload: z.unknown(), key });
}
