// The payload of every job about one intake file: the download's and each pipeline's (see followers.ts).
import { z } from 'zod';
import type { Job } from '../../core/queue/index.ts';

/** A job about one intake file: its row id (`files.id`). */
export const fileJobPayload = z.object({ fileId: z.number().int().positive() });
export type FileJobPayload = z.infer<typeof fileJobPayload>;

/** The intake file a job of the download or a pipeline queue is about (from its payload); null for any other job. */
export function fileIdOfJob(job: Pick<Job, 'payload'>): number | null {
  const payload = fileJobPayload.safeParse(job.payload);
  return payload.success ? payload.data.fileId : null;
}
