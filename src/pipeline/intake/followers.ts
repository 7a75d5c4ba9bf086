// The pipelines that take the intake's files further, each registered for the purpose of its files: the intake
// hands a stored file to its pipeline's queue and asks that pipeline how far a batch of its files is. The intake
// names no pipeline; the composition root registers them (see src/followers.ts).
import type { Kysely } from 'kysely';
import type { Say } from '../../core/messages.ts';
import type { Queue, QueueDefinition } from '../../core/queue/index.ts';
import type { Database } from '../../core/store/index.ts';
import type { FileJobPayload } from './file-job.ts';
import type { BatchRow, FileRow, Purpose } from './records.ts';

/** How far a batch is, as its pipeline sees it. */
export interface BatchStanding {
  /** The batch's files, in the order they arrived. */
  files: FileRow[];
  /** How many of them the pipeline has finished. */
  done: number;
  /** Lines the pipeline adds to the batch summary once every file is done (in the sender's words), each starting with a line break. */
  summary(say: Say): string;
}

export interface PipelineFollower {
  /** The queue a stored file of this purpose goes to, as a `{ fileId }` job keyed by the file (one job per file). */
  readonly queue: QueueDefinition<FileJobPayload>;
  /** How far a batch is; without it, a batch is done once its files are stored, duplicates or failed. */
  standing?(batch: BatchRow, now: number): Promise<BatchStanding>;
}

/** The registered pipelines, by the purpose of the files they take. */
export type Followers = Readonly<Partial<Record<Purpose, PipelineFollower>>>;

/** Enqueues a stored file on its pipeline's queue, once per file whatever source it came from. */
export async function handToPipeline(
  queue: Queue,
  followers: Followers,
  file: Pick<FileRow, 'id' | 'purpose'>,
  within?: Kysely<Database>,
): Promise<void> {
  const follower = followers[file.purpose];
  if (!follower) return; // no pipeline for this purpose in this composition: the file stays stored
  await queue.enqueue(follower.queue, { fileId: file.id }, { within });
}
