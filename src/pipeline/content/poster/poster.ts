// Publishing a post, never twice. The post moves scheduled → sending (guarded) before the call and sending → sent
// with the message id after it. The call goes out once per attempt, without grammY's auto-retry (which repeats
// calls on network errors). An answer that proves nothing was posted returns the post to scheduled and the job
// retries; any other failure, or finding the post still `sending` (the process died during the call), leaves it
// `unknown` for the admins to settle with a button: nothing publishes it again without a person.
import type { Logger } from '../../../core/log.ts';
import { RetryAfter } from '../../../core/queue/index.ts';
import type { HandlerContext, Queue } from '../../../core/queue/index.ts';
import type { Store } from '../../../core/store/index.ts';
import { messagesCommitted } from '../../../outbox/index.ts';
import { PostRecords } from '../posts/records.ts';
import type { Post, PostState } from '../posts/table.ts';
import { tellAdmins } from './admin-messages.ts';
import type { AdminChat, PostProblem } from './admin-messages.ts';
import { publishFailure } from './outcome.ts';
import { ChatPacer } from './pacer.ts';
import { PUBLISH_QUEUE } from './queue.ts';
import type { SentFollowUp } from '../webhook/targets.ts';

/** A video as it can be published: by the file_id Telegram gave it, or (it came another way) from its file. */
export type VideoSource = { telegramFileId: string } | { path: string };

/** The one call that publishes: a video with an HTML caption; the channel's message id. */
export interface PublishApi {
  sendVideo(chat: string, video: VideoSource, caption: string | null): Promise<number>;
}

export interface PosterDeps {
  store: Store;
  queue: Queue;
  api: PublishApi;
  /** How to publish an intake file (the files row the post is about); null when it has neither file_id nor file. */
  videoOf(fileId: number): Promise<VideoSource | null>;
  admins: readonly AdminChat[];
  /** A post whose time passed longer ago than this is not published late but marked missed. */
  missedGraceMs: number;
  log: Logger;
  now?: () => number;
  pacer?: ChatPacer;
  /** Posts `sending` for longer than this at start belong to no live call (a crash): they become unknown. */
  staleSendingMs: number;
  /** The publish jobs' lease: longer than a call may take, so that a slow call is not taken for a dead worker. */
  leaseMs?: number;
  /** A send waits this long at most for its channel's turn (default 10 s); a benchmark scales it with the pace. */
  maxPacingWaitMs?: number;
  /** How often stale `sending` posts are looked for while running (default half of staleSendingMs, 1 s at least). */
  sweepMs?: number;
  /** What follows a post out (content.targets' webhooks), queued with its move to sent. */
  followUp?: SentFollowUp | null;
}

type PublishPayload = { postId: number };

/** A send waits this long at most for its channel's turn; later turns are waited for in the queue, lease released. */
const MAX_PACING_WAIT_MS = 10_000;

export class Poster {
  readonly posts: PostRecords;
  readonly #d: PosterDeps;
  readonly #now: () => number;
  readonly #pacer: ChatPacer;
  #sweeper: NodeJS.Timeout | null = null;

  constructor(deps: PosterDeps) {
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
    this.posts = new PostRecords(deps.store, this.#now);
    this.#pacer = deps.pacer ?? new ChatPacer(undefined, this.#now);
  }

  /** Puts the post's publish job in the queue at its planned time (no second job while one waits). */
  async schedule(post: Pick<Post, 'id' | 'planned_at'>): Promise<void> {
    await this.#d.queue.enqueue(PUBLISH_QUEUE, { postId: post.id }, { runAt: post.planned_at ?? this.#now() });
  }

  /** Starts the worker, after settling what a crash left: `sending` posts become unknown, scheduled ones get their job. */
  async start(concurrency = 4): Promise<void> {
    await this.#settleStale();
    for (const post of await this.posts.inStates(['scheduled'])) await this.schedule(post);
    this.#d.queue.work(PUBLISH_QUEUE, (ctx) => this.handle(ctx), { concurrency, leaseMs: this.#d.leaseMs });
    // A post left `sending` by a process that died is settled by its job's next run; but a job whose attempts the
    // crashes used up is dead, and its post would stay `sending`, unreported. Look for those while running too.
    this.#sweeper = setInterval(
      () =>
        void this.#settleStale().catch((err: unknown) =>
          this.#d.log.warn({ err }, 'could not look for posts left sending'),
        ),
      this.#d.sweepMs ?? Math.max(1000, this.#d.staleSendingMs / 2),
    );
    this.#sweeper.unref();
  }

  stop(): void {
    if (this.#sweeper) clearInterval(this.#sweeper);
    this.#sweeper = null;
  }

  /** `sending` for longer than any call lasts: no live call is behind it. */
  async #settleStale(): Promise<void> {
    const now = this.#now();
    for (const post of await this.posts.inStates(['sending'])) {
      if (post.updated_at <= now - this.#d.staleSendingMs)
        await this.#unknown(post, 'the service stopped while publishing');
    }
  }

  async handle(ctx: HandlerContext<PublishPayload>): Promise<void> {
    // The wait for the channel's turn and the call can outlast the lease: a lease that ran out would let another
    // worker take the job, find the post `sending` and make a post that is being published unknown.
    const keepAlive = setInterval(() => void ctx.heartbeat().catch(() => {}), Math.max(500, ctx.leaseMs / 3));
    try {
      await this.#publish(ctx);
    } finally {
      clearInterval(keepAlive);
    }
  }

  async #publish({ job, signal }: HandlerContext<PublishPayload>): Promise<void> {
    const post = await this.posts.get(job.payload.postId);
    if (!post) return;
    if (post.state === 'sending') {
      // This job ran before and its process died during the call, or before recording its answer.
      await this.#unknown(post, 'the service stopped while publishing');
      return;
    }
    if (post.state !== 'scheduled') return; // sent, cancelled or waiting for a person: nothing to do
    const now = this.#now();
    const planned = post.planned_at ?? now;
    if (planned > now + 1000) throw new RetryAfter((planned - now) / 1000, 'not yet due (the post was planned again)');
    if (now - planned > this.#d.missedGraceMs) {
      await this.#settle(post, 'scheduled', 'missed', 'its time passed while the service was down');
      return;
    }
    const video = await this.#d.videoOf(post.file_id);
    if (!video) {
      const error = 'the video has no Telegram file_id and no stored file to publish';
      await this.#settle(post, 'scheduled', 'failed', error);
      return;
    }
    const wait = this.#pacer.reserve(post.target, this.#d.maxPacingWaitMs ?? MAX_PACING_WAIT_MS);
    if (wait === null) {
      const later = this.#pacer.freeIn(post.target);
      throw new RetryAfter(later / 1000, `paced: the channel's next free moment is in ${Math.ceil(later / 1000)} s`);
    }
    if (wait > 0) await sleep(wait, signal);
    if (signal.aborted) throw new Error('stopped before publishing');
    if (!(await this.posts.transition(post.id, 'scheduled', 'sending', { countAttempt: true }))) return;
    // Now `sending`, the call goes out whatever happens: a stop no longer cuts this short wait.
    for (let gap = this.#pacer.callIn(post.target); gap > 0; gap = this.#pacer.callIn(post.target))
      await new Promise((resolve) => setTimeout(resolve, gap));
    let messageId: number;
    try {
      messageId = await this.#d.api.sendVideo(post.target, video, post.caption);
    } catch (err) {
      await this.#failed(post, job.attempts >= job.maxAttempts, err);
      return;
    }
    await this.#sent(post, messageId);
    this.#d.log.info({ post: post.id, creator: post.creator, message_id: messageId }, 'post published');
  }

  /**
   * sending → sent, with the follow-ups queued in the same transaction. Should queueing them fail, the post is still
   * recorded sent without them (logged): a webhook never decides what happened on Telegram.
   */
  async #sent(post: Post, messageId: number): Promise<void> {
    const followUp = this.#d.followUp;
    const sent = { messageId, lastError: null };
    if (followUp) {
      const at = this.#now();
      try {
        const moved = await this.posts.transition(post.id, 'sending', 'sent', sent, null, (trx) =>
          followUp.queue(post, at, trx),
        );
        if (moved) followUp.poke();
        return;
      } catch (err) {
        this.#d.log.error(
          { err, post: post.id },
          'could not queue the webhooks of a published post: they are not sent',
        );
      }
    }
    await this.posts.transition(post.id, 'sending', 'sent', sent);
  }

  async #failed(post: Post, lastAttempt: boolean, err: unknown): Promise<void> {
    const failure = publishFailure(err);
    if (!failure.certain) {
      await this.#unknown(post, failure.error);
      return;
    }
    if (failure.retryAfterSeconds !== null) {
      this.#pacer.holdUntil(post.target, this.#now() + failure.retryAfterSeconds * 1000);
      await this.posts.transition(post.id, 'sending', 'scheduled', { lastError: failure.error }, failure.error);
      throw new RetryAfter(failure.retryAfterSeconds, failure.error);
    }
    if (lastAttempt) {
      await this.#settle(post, 'sending', 'failed', failure.error);
      return;
    }
    await this.posts.transition(post.id, 'sending', 'scheduled', { lastError: failure.error }, failure.error);
    throw new Error(`not published: ${failure.error}`);
  }

  async #unknown(post: Post, error: string): Promise<void> {
    if (await this.#settle(post, 'sending', 'unknown', error))
      this.#d.log.warn({ post: post.id, creator: post.creator, error }, 'post outcome unknown: the admins decide');
  }

  /**
   * Moves the post to a state the admins must hear of, and writes their message in the same transaction: a crash
   * cannot leave a failed, unknown or missed post that nobody was told about.
   */
  async #settle(post: Post, from: PostState, to: PostProblem, error: string): Promise<boolean> {
    const fresh = (await this.posts.get(post.id)) ?? post;
    const lastError = to === 'missed' ? {} : { lastError: error };
    const moved = await this.posts.transition(post.id, from, to, lastError, error, (trx) =>
      tellAdmins(this.#d.store, this.#d.admins, fresh, to, error, trx),
    );
    if (moved) messagesCommitted();
    return moved;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
