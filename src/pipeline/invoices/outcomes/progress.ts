// Where each file of a batch stands and how fast the batch moves: pure functions over the rows (file, item
// outcomes, its pipeline job), so progress, ETA and summaries are computed the same everywhere and tested without
// a clock. A stored invoice file is finished once its invoice job is no longer waiting or running and either
// recorded outcomes or ended failed.
import { readStored, storeTexts } from '../../../core/messages.ts';
import type { JobState } from '../../../core/store/index.ts';
import type { BatchRow, FileRow } from '../../intake/index.ts';
import type { Tokens } from './records.ts';
import { ITEM_OUTCOMES, WHOLE_FILE } from './table.ts';
import type { ItemOutcome, OutcomeRow } from './table.ts';

export const FILE_STATUSES = ['pending', 'completed', 'review', 'duplicate', 'failed'] as const;
export type FileStatus = (typeof FILE_STATUSES)[number];

/** The newest job of a file on its pipeline's queue, and whether any job for it is waiting or running. */
export interface PipelineJob {
  state: JobState;
  lastError: string | null;
  finishedAt: number | null;
  live: boolean;
  /** A live job that cannot run before this time: a retry's run_at, or a silent worker's lease (see heldUntil). */
  blockedUntil?: number | null;
}

export interface ItemView {
  item: number;
  outcome: ItemOutcome;
  recordId: number | null;
  reason: string | null;
}

export interface FileProgress {
  file: FileRow;
  status: FileStatus;
  /** The first reason worth showing (why it failed, is in review or is a duplicate), kept as messages (core/messages). */
  reason: string | null;
  finishedAt: number | null;
  /** What the file became: its recorded outcomes, or one derived from the file (a byte duplicate, a failure). */
  items: ItemView[];
  tokens: Tokens;
  /** Pending, and its job cannot run before this time. */
  blockedUntil: number | null;
}

export interface BatchProgress {
  batch: BatchRow;
  total: number;
  done: number;
  counts: Record<FileStatus, number>;
  /** Per invoice: a CSV counts once per row. */
  outcomes: Record<ItemOutcome, number>;
  tokens: Tokens;
  /** Files finished per minute lately; null until one has finished. */
  ratePerMinute: number | null;
  /** Seconds until the rest is finished at that rate: 0 when done, null when unknown. */
  etaSeconds: number | null;
  files: FileProgress[];
}

const LIVE: readonly JobState[] = ['waiting', 'active'];
export const isLive = (state: JobState): boolean => LIVE.includes(state);

/**
 * Until when a job is out of reach: a waiting job until its run_at (a retry's backoff, a wait for credit); an
 * active one until its lease ends once its worker has gone silent — a live invoice handler renews its lease every
 * third of it, so a lease not renewed for half its span belongs to a crashed or killed worker, and the file waits
 * for the lease to run out before another worker takes it. Null when it can run now or is being run.
 */
export function heldUntil(
  job: { state: JobState; run_at: number; lease_until: number | null; updated_at: number },
  now: number,
): number | null {
  if (job.state === 'waiting') return job.run_at > now ? job.run_at : null;
  if (job.state !== 'active' || job.lease_until === null || job.lease_until <= now) return null;
  const span = job.lease_until - job.updated_at;
  return now - job.updated_at > span / 2 ? job.lease_until : null;
}

function view(o: OutcomeRow): ItemView {
  return { item: o.item, outcome: o.outcome, recordId: o.record_id, reason: o.reason };
}

/** A reason as kept: a message (see core/messages), rendered in its reader's language. */
const said = (key: string, vars: Record<string, string>): string => storeTexts([{ key, vars }]) as string;

/** One status for a file from its items: all errors → failed; any review or error → review; all duplicates → duplicate. */
function fromItems(items: ItemView[]): { status: FileStatus; reason: string | null } {
  const first = (outcome: ItemOutcome): ItemView | undefined => items.find((i) => i.outcome === outcome);
  const reasonOf = (i: ItemView | undefined): string | null => {
    if (!i) return null;
    const reason = readStored(i.reason ?? i.outcome);
    return storeTexts(i.item === WHOLE_FILE ? reason : [{ key: 'item-row', vars: { row: String(i.item), reason } }]);
  };
  if (items.every((i) => i.outcome === 'error')) return { status: 'failed', reason: reasonOf(items[0]) };
  const doubtful = first('error') ?? first('review');
  if (doubtful) return { status: 'review', reason: reasonOf(doubtful) };
  if (items.every((i) => i.outcome === 'duplicate')) return { status: 'duplicate', reason: reasonOf(items[0]) };
  return { status: 'completed', reason: null };
}

export function fileProgress(
  file: FileRow,
  outcomes: readonly OutcomeRow[],
  job: PipelineJob | undefined,
): FileProgress {
  const tokens = outcomes.reduce((t, o) => ({ input: t.input + o.input_tokens, output: t.output + o.output_tokens }), {
    input: 0,
    output: 0,
  });
  const base = { file, tokens, blockedUntil: null };
  const derived = (
    status: FileStatus,
    outcome: ItemOutcome | null,
    reason: string | null,
    finishedAt: number | null,
  ): FileProgress => ({
    ...base,
    status,
    reason,
    finishedAt,
    items: outcome ? [{ item: WHOLE_FILE, outcome, recordId: null, reason }] : [],
  });
  if (file.state === 'received') return derived('pending', null, null, null);
  if (file.state === 'duplicate')
    return derived(
      'duplicate',
      'duplicate',
      said('file-same-as', { id: String(file.duplicate_of ?? '?') }),
      file.updated_at,
    );
  if (file.state === 'failed' || file.state === 'rejected')
    return derived('failed', 'error', said('file-failed', { detail: file.error ?? file.state }), file.updated_at);
  // Stored. Only invoices have a pipeline yet; a stored video is as far as it goes.
  if (file.purpose !== 'invoice') return derived('completed', null, null, file.updated_at);
  if (!job || job.live) return { ...derived('pending', null, null, null), blockedUntil: job?.blockedUntil ?? null };
  if (outcomes.length > 0) {
    const items = outcomes.map(view);
    return { ...base, ...fromItems(items), items, finishedAt: Math.max(...outcomes.map((o) => o.finished_at)) };
  }
  if (job.state === 'done') return derived('completed', 'ok', null, job.finishedAt); // processed before outcomes were kept
  const why = job.lastError ?? file.error;
  return derived(
    'failed',
    'error',
    why ? said('invoice-unreadable', { detail: why }) : said('file-job-state', { state: job.state }),
    job.finishedAt,
  );
}

/** How many recent completions the rate is measured over: recent enough to follow a change of pace. */
export const RATE_WINDOW = 50;

/**
 * Files per minute over the last RATE_WINDOW completions, measured up to `now`: a batch that stalls slows down
 * on screen instead of keeping its old pace. The window starts at the completion before it, or at `startedAt`.
 */
export function ratePerMinute(finishedAt: readonly number[], startedAt: number, now: number): number | null {
  if (finishedAt.length === 0) return null;
  const sorted = [...finishedAt].sort((a, b) => a - b);
  const recent = sorted.slice(-RATE_WINDOW);
  const from = Math.min(sorted[sorted.length - recent.length - 1] ?? startedAt, recent[0] as number);
  const span = now - from;
  return span > 0 ? (recent.length / span) * 60_000 : null;
}

export function summariseBatch(batch: BatchRow, files: FileProgress[], now: number): BatchProgress {
  const counts = Object.fromEntries(FILE_STATUSES.map((s) => [s, 0])) as Record<FileStatus, number>;
  const outcomes = Object.fromEntries(ITEM_OUTCOMES.map((o) => [o, 0])) as Record<ItemOutcome, number>;
  const tokens: Tokens = { input: 0, output: 0 };
  const finished: number[] = [];
  let blocked = 0; // the latest time a pending file's job can start
  for (const f of files) {
    if (f.status === 'pending' && f.blockedUntil !== null) blocked = Math.max(blocked, f.blockedUntil);
    counts[f.status]++;
    for (const i of f.items) outcomes[i.outcome]++;
    tokens.input += f.tokens.input;
    tokens.output += f.tokens.output;
    if (f.status !== 'pending' && f.finishedAt !== null) finished.push(f.finishedAt);
  }
  const pending = counts.pending;
  const rate = ratePerMinute(finished, batch.created_at, now);
  return {
    batch,
    total: files.length,
    done: files.length - pending,
    counts,
    outcomes,
    tokens,
    ratePerMinute: rate,
    etaSeconds: pending === 0 ? 0 : rate ? etaSeconds(pending, rate, blocked, now) : null,
    files,
  };
}

/** The rest at the current pace, but never less than the wait for the last held file plus one file's time. */
function etaSeconds(pending: number, rate: number, blockedUntil: number, now: number): number {
  const atPace = (pending / rate) * 60;
  const held = blockedUntil > now ? (blockedUntil - now) / 1000 + 60 / rate : 0;
  return Math.round(Math.max(atPace, held));
}
