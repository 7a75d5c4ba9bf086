// A queue is declared once: its name, the zod schema of its payload and how a job's unique key is made from the
// payload. Enqueue and work take the declaration, so a payload is typed going in and checked by its schema when
// it leaves the database (a row written by older code or by hand cannot reach a handler unchecked).
import type { z } from 'zod';
import type { Job } from './types.ts';

export interface QueueDefinition<P> {
  readonly name: string;
  readonly payload: z.ZodType<P>;
  /**
   * The job's unique key: while a job with it is waiting or active, enqueue returns that job. null: no dedup.
   * A cron tick's job is keyed by its schedule instead (`cron:<name>:<tick>`).
   */
  key(payload: P): string | null;
  /** The payload of a job of this queue that matches the schema; null for another queue's job or a payload that does not. */
  payloadOf(job: Pick<Job, 'queue' | 'payload'>): P | null;
}

export interface QueueSpec<P> {
  name: string;
  payload: z.ZodType<P>;
  key: (payload: P) => string | null;
}

export function defineQueue<P>(spec: QueueSpec<P>): QueueDefinition<P> {
  return {
    name: spec.name,
    payload: spec.payload,
    key: spec.key,
    payloadOf(job) {
      if (job.queue !== spec.name) return null;
      const parsed = spec.payload.safeParse(job.payload);
      return parsed.success ? parsed.data : null;
    },
  };
}

/** What is wrong with a payload, field by field ("fileId: Invalid input: expected number, received string"). */
export function describePayloadError(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : 'the payload'}: ${i.message}`).join('; ');
}
