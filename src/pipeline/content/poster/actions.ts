// What the admins' buttons on a post do. Each is one guarded move from the state the message was about, so a
// second press, or a press on an old message, changes nothing and says what the post is now.
import type { Config } from '../../../core/config.ts';
import type { Queue } from '../../../core/queue/index.ts';
import type { Store } from '../../../core/store/index.ts';
import { planPost } from '../planner/plan-post.ts';
import { PostRecords } from '../posts/records.ts';
import type { PostButton } from './admin-messages.ts';
import { PUBLISH_QUEUE } from './queue.ts';
import { webhookFollowUp } from '../webhook/targets.ts';
import type { SentFollowUp } from '../webhook/targets.ts';

export interface ButtonAnswer {
  key: string;
  vars: Record<string, string | number>;
}

export class PostActions {
  readonly posts: PostRecords;
  readonly #queue: Queue;
  readonly #plan: (creator: string, readyAt: number) => Promise<number>;
  readonly #now: () => number;
  readonly #followUp: SentFollowUp | null;

  constructor(
    store: Store,
    queue: Queue,
    plan: (creator: string, readyAt: number) => Promise<number>,
    now: () => number = Date.now,
    /** What follows a post out (webhooks): an admin saying it was published sends them too. */
    followUp: SentFollowUp | null = null,
  ) {
    this.posts = new PostRecords(store, now);
    this.#queue = queue;
    this.#plan = plan;
    this.#now = now;
    this.#followUp = followUp;
  }

  async press(action: PostButton, id: number, by: string): Promise<ButtonAnswer> {
    const post = await this.posts.get(id);
    if (!post) return { key: 'post-answer-stale', vars: { id, state: '—' } };
    const now = this.#now();
    let moved = false;
    let at = now;
    switch (action) {
      case 'published':
        moved = await this.posts.transition(id, 'unknown', 'sent', {}, `${by} said it was published`, (trx) =>
          this.#followUp ? this.#followUp.queue(post, now, trx) : Promise.resolve(),
        );
        if (moved) this.#followUp?.poke();
        break;
      case 'again':
        moved = await this.posts.transition(
          id,
          ['unknown', 'failed'],
          'scheduled',
          { plannedAt: now },
          `${by}: publish again`,
        );
        break;
      case 'now':
        moved = await this.posts.transition(id, 'missed', 'scheduled', { plannedAt: now }, `${by}: publish now`);
        break;
      case 'plan':
        at = await this.#plan(post.creator, now);
        moved = await this.posts.transition(id, 'missed', 'scheduled', { plannedAt: at }, `${by}: plan again`);
        break;
    }
    if (!moved) return { key: 'post-answer-stale', vars: { id, state: (await this.posts.get(id))?.state ?? '—' } };
    if (action === 'published') return { key: 'post-answer-published', vars: { id } };
    await this.#enqueue(id, at);
    return action === 'plan'
      ? { key: 'post-answer-plan', vars: { id, at: new Date(at).toISOString() } }
      : { key: 'post-answer-again', vars: { id } };
  }

  /**
   * Queues the post's job. The job that just made the post unknown may still be finishing: while active it holds the
   * post's key, and the new job would not be queued. Wait for it to end (bounded: one that hangs goes back to the
   * queue after its lease, and its next run finds the post scheduled and publishes it).
   */
  async #enqueue(id: number, at: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { job, created } = await this.#queue.enqueue(PUBLISH_QUEUE, { postId: id }, { runAt: at });
      if (created || job.state !== 'active' || Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** The actions with "Plan again" taking the creator's next free slot under content.creators. */
export function postActionsFor(config: Config, store: Store, queue: Queue): PostActions {
  const posts = new PostRecords(store);
  return new PostActions(
    store,
    queue,
    (creator, readyAt) =>
      planPost(
        posts,
        creator,
        config.content.creators.find((c) => c.folder === creator),
        readyAt,
      ),
    Date.now,
    webhookFollowUp(config.content.targets, queue),
  );
}
