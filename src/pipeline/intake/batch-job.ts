// The `intake.batch` job follows a batch from its last item to its summary: when the album has been quiet for
// `intake.album_wait_ms` it sends one receipt, then keeps one progress message up to date (edited in place, at
// most every few seconds), and ends with a summary. The pipeline registered for the batch's purpose says how far
// the batch is and what its summary adds (see followers.ts); without one, a file is done once it is stored.
import { z } from 'zod';
import type { Say } from '../../core/messages.ts';
import { RetryAfter, defineQueue } from '../../core/queue/index.ts';
import type { HandlerContext } from '../../core/queue/index.ts';
import type { BatchStanding, Followers } from './followers.ts';
import type { Notifier } from './ports.ts';
import { FINAL_FILE_STATES } from './records.ts';
import type { BatchRow, FileRow, IntakeRecords } from './records.ts';

/** One follower job per batch at a time. */
export const BATCH_QUEUE = defineQueue({
  name: 'intake.batch',
  payload: z.object({ batchId: z.string().min(1) }),
  key: (p) => `batch:${p.batchId}`,
});
/** How often the progress message may change: Telegram rate-limits edits, and people need no more. */
export const PROGRESS_EVERY_S = 3;

export type BatchPayload = z.infer<typeof BATCH_QUEUE.payload>;

export interface BatchDeps {
  records: IntakeRecords;
  notifier: Notifier;
  followers: Followers;
  now?: () => number;
}

export function batchHandler(d: BatchDeps) {
  const { records, notifier } = d;
  const now = d.now ?? Date.now;
  return async ({ job, signal, leaseMs, log }: HandlerContext<BatchPayload>): Promise<void> => {
    // A progress message is worth little: it may not outlive a third of the lease (with auto-retry waiting out a
    // 429 or a 502, it would), or the job would run again beside it and post its old state after a newer one.
    const show = async (done: number, total: number): Promise<void> => {
      const bounded = AbortSignal.any([signal, AbortSignal.timeout(Math.max(1000, Math.floor(leaseMs / 3)))]);
      await progress(records, notifier, batch as BatchRow, done, total, bounded).catch((err: unknown) => {
        log.warn(
          { batch: job.payload.batchId, error: (err as Error).message },
          'could not update the progress message; the next round tries again',
        );
      });
    };
    let batch = await records.batch(job.payload.batchId);
    if (!batch || batch.state === 'done') return;
    if (batch.state === 'open') {
      const t = now();
      if (t < batch.closes_at) throw new RetryAfter((batch.closes_at - t) / 1000, 'batch still receiving');
      await close(records, notifier, batch);
      batch = (await records.batch(batch.id)) as BatchRow;
    }
    const follower = d.followers[batch.purpose];
    const standing = follower?.standing
      ? await follower.standing(batch, now())
      : await storedStanding(records, notifier, batch);
    const { files, done } = standing;
    if (done < files.length) {
      await show(done, files.length);
      throw new RetryAfter(PROGRESS_EVERY_S, `batch ${batch.id}: ${done} of ${files.length} processed`);
    }
    await show(files.length, files.length);
    const lang = batch.language;
    await summarise(
      records,
      notifier,
      batch,
      files,
      standing.summary((key, vars) => notifier.text(lang, key, vars)),
    );
  };
}

/** A batch whose pipeline does not follow it: done when its files are, with a line for each file not taken. */
async function storedStanding(records: IntakeRecords, notifier: Notifier, batch: BatchRow): Promise<BatchStanding> {
  const files = await records.batchFiles(batch.id);
  const done = files.filter((f) => FINAL_FILE_STATES.includes(f.state)).length;
  return { files, done, summary: (say) => problemFiles(files, say) };
}

async function close(records: IntakeRecords, notifier: Notifier, batch: BatchRow): Promise<void> {
  // Single files got their receipt when they arrived; an album gets one for all its items. The receipt goes to
  // the outbox before the batch is marked closed, under a key of its own: a crash in between writes it once.
  if (batch.chat_id !== null && batch.media_group_id !== null) {
    const files = await records.batchFiles(batch.id);
    const key = batch.purpose === 'video' ? 'receipt-batch-videos' : 'receipt-batch';
    await notifier.send(
      batch.chat_id,
      batch.language,
      key,
      { count: files.length, batch: batch.id },
      `receipt:batch:${batch.id}`,
    );
    await records.updateBatch(batch.id, { state: 'closed' });
    return;
  }
  await records.updateBatch(batch.id, { state: 'closed' });
}

/**
 * Writes the progress message: a new one the first time, then edits. The state shown only moves forward: a run
 * that lost a race (its count is not above the one recorded) shows nothing, and the count is recorded only if
 * it is still the newest.
 */
async function progress(
  records: IntakeRecords,
  notifier: Notifier,
  batch: BatchRow,
  done: number,
  total: number,
  signal: AbortSignal,
): Promise<void> {
  if (batch.chat_id === null || total < 2) return;
  const now = await records.batch(batch.id);
  if (!now || now.state === 'done' || (now.progress_done !== null && now.progress_done >= done)) return;
  const vars = { batch: batch.id, done, total };
  const id = await notifier.tell(
    batch.chat_id,
    batch.language,
    'batch-progress',
    vars,
    now.progress_message_id ?? undefined,
    signal,
  );
  await records.advanceProgress(batch.id, done, id ?? null);
}

/**
 * A line per file the intake could not take, in plain words: the technical reason (paths, settings, Bot API text)
 * is in the file record, the log and /batch for the admins, not in the sender's chat.
 */
function problemFiles(files: FileRow[], say: Say): string {
  return files.map((f) => problemLine(f, say)).join('');
}

/**
 * The summary line of a file the intake could not take ('' for any other), starting with a line break: for a
 * follower that words its own refusals and leaves the intake's to the intake.
 */
export function problemLine(f: FileRow, say: Say, reason?: string): string {
  if (f.state !== 'failed' && f.state !== 'rejected') return '';
  return `\n• ${say('problem-line', { name: f.file_name ?? `#${f.id}`, reason: reason ?? say(plainReason(f)) })}`;
}

function plainReason(f: FileRow): string {
  const error = f.error ?? '';
  if (error.startsWith('not a video')) return 'problem-not-video';
  if (/too big|over intake\.max_bytes|20 MB/i.test(error)) return 'problem-too-big';
  return 'problem-failed';
}

async function summarise(
  records: IntakeRecords,
  notifier: Notifier,
  batch: BatchRow,
  files: FileRow[],
  problems: string,
): Promise<void> {
  if (batch.chat_id !== null) {
    const count = (state: string): number => files.filter((f) => f.state === state).length;
    const vars = {
      batch: batch.id,
      stored: count('stored'),
      duplicates: count('duplicate'),
      failed: count('failed') + count('rejected'),
    };
    // A new message, not an edit of the progress one: Telegram notifies of new messages only. Durable, and once.
    await notifier.send(
      batch.chat_id,
      batch.language,
      'batch-summary',
      { ...vars, problems },
      `summary:batch:${batch.id}`,
    );
  }
  await records.updateBatch(batch.id, { state: 'done' });
}
