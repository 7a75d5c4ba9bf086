// Which webhook targets a post goes to (content.targets, filtered by creator), and queueing their deliveries in the
// transaction that records the post sent: a crash cannot leave a post sent with its deliveries never queued.
import type { Kysely } from 'kysely';
import type { Config } from '../../../core/config.ts';
import type { Queue } from '../../../core/queue/index.ts';
import type { Database } from '../../../core/store/index.ts';
import type { Post } from '../posts/table.ts';
import { WEBHOOK_QUEUE } from './queue.ts';

export type WebhookTarget = Config['content']['targets'][number];

/** The targets that take this creator's posts: those with no `creators` list, and those that name the creator. */
export function targetsFor(targets: readonly WebhookTarget[], creator: string): WebhookTarget[] {
  return targets.filter((t) => t.creators.length === 0 || t.creators.includes(creator));
}

/** The values of the secrets content.targets names (those set): for the log's redaction. */
export function webhookSecrets(config: Pick<Config, 'content'>, env: NodeJS.ProcessEnv): string[] {
  return config.content.targets.flatMap((t) => (env[t.secret_env] ? [env[t.secret_env] as string] : []));
}

/** Work that follows a post out: queued in the transaction that records it sent, then the worker is woken. */
export interface SentFollowUp {
  queue(post: Pick<Post, 'id' | 'creator'>, publishedAt: number, trx: Kysely<Database>): Promise<void>;
  /** After the commit: the jobs are visible now. */
  poke(): void;
}

export interface WebhookRetry {
  maxAttempts: number;
  backoff: { baseMs: number; capMs: number };
}

/** Eight tries over about an hour and a half: a receiver down for a deploy or a restart gets its posts. */
export const WEBHOOK_RETRY: WebhookRetry = { maxAttempts: 8, backoff: { baseMs: 30_000, capMs: 30 * 60_000 } };

/** The follow-up for content.targets' webhooks; null when there is none. */
export function webhookFollowUp(
  targets: readonly WebhookTarget[],
  queue: Queue,
  retry: WebhookRetry = WEBHOOK_RETRY,
): SentFollowUp | null {
  if (targets.length === 0) return null;
  return {
    async queue(post, publishedAt, trx) {
      for (const t of targetsFor(targets, post.creator)) {
        await queue.enqueue(
          WEBHOOK_QUEUE,
          { postId: post.id, url: t.url, publishedAt },
          { within: trx, maxAttempts: retry.maxAttempts, backoff: retry.backoff },
        );
      }
    },
    poke: () => queue.poke(WEBHOOK_QUEUE),
  };
}
