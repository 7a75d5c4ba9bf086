// Delivering a published post to a webhook target: a POST of JSON signed with the target's secret (read from the
// environment variable the config names, at each delivery; never logged). 2xx: delivered. 5xx, 429, a timeout or a
// connection error: tried again with backoff, and after the last attempt the admins are told. Any other answer (4xx,
// a redirect) will not change by retrying: the job fails at once with the status in its reason, and the admins are
// told. The post itself is not touched: whatever happens here, its Telegram state stays as it is.
import { basename } from 'node:path';
import type { Logger } from '../../../core/log.ts';
import { PermanentError } from '../../../core/queue/index.ts';
import type { HandlerContext } from '../../../core/queue/index.ts';
import type { Store } from '../../../core/store/index.ts';
import { sayIn } from '../../../locales/index.ts';
import { escapeHtml, queueMessage } from '../../../outbox/index.ts';
import { IntakeRecords } from '../../intake/index.ts';
import type { AdminChat } from '../poster/admin-messages.ts';
import { PostRecords } from '../posts/records.ts';
import type { Post } from '../posts/table.ts';
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signBody } from './sign.ts';
import type { WebhookTarget } from './targets.ts';
import type { WebhookPayload } from './queue.ts';

export interface WebhookDeps {
  store: Store;
  targets: readonly WebhookTarget[];
  admins: readonly AdminChat[];
  log: Logger;
  env?: NodeJS.ProcessEnv;
  /** One request's time limit. */
  timeoutMs?: number;
  now?: () => number;
}

/** What the receiver gets: the post, its video's path and its Telegram message. snake_case, times in RFC 3339 UTC. */
export interface WebhookBody {
  event: 'post.published';
  /** `<post id>:<url>`: the same for every attempt of one delivery, so a receiver can drop a repeat. */
  delivery_id: string;
  /** Unix seconds of this attempt, as in X-Centinela-Timestamp (covered by the signature: refuse old ones). */
  timestamp: number;
  post_id: number;
  creator: string;
  file_path: string | null;
  file_name: string | null;
  caption: string | null;
  caption_from_template: boolean;
  planned_at: string | null;
  published_at: string;
  telegram: { chat: string; message_id: number | null };
}

export function webhookBody(
  post: Post,
  file: { path: string | null; file_name: string | null } | undefined,
  publishedAt: number,
  url: string,
  now: number,
): WebhookBody {
  const path = file?.path ?? null;
  return {
    event: 'post.published',
    delivery_id: `${post.id}:${url}`,
    timestamp: Math.floor(now / 1000),
    post_id: post.id,
    creator: post.creator,
    file_path: path,
    file_name: file?.file_name ?? (path ? basename(path) : null),
    caption: post.caption,
    caption_from_template: post.caption_from_template === 1,
    planned_at: post.planned_at === null ? null : new Date(Number(post.planned_at)).toISOString(),
    published_at: new Date(publishedAt).toISOString(),
    telegram: { chat: post.target, message_id: post.message_id === null ? null : Number(post.message_id) },
  };
}

type Outcome = { ok: true } | { ok: false; retry: boolean; error: string };

export function webhookHandler(deps: WebhookDeps): (ctx: HandlerContext<WebhookPayload>) => Promise<void> {
  const posts = new PostRecords(deps.store);
  const intake = new IntakeRecords(deps.store);
  const env = deps.env ?? process.env;
  const now = deps.now ?? Date.now;
  const timeoutMs = deps.timeoutMs ?? 15_000;

  return async ({ job, signal }) => {
    const { postId, url, publishedAt } = job.payload;
    const target = deps.targets.find((t) => t.url === url);
    if (!target) {
      deps.log.info({ post: postId, url }, 'webhook target no longer in content.targets: delivery dropped');
      return;
    }
    const post = await posts.get(postId);
    if (!post) return;
    const secret = env[target.secret_env];
    if (!secret) {
      const error = `the environment variable ${target.secret_env} (content.targets secret_env) is not set: set it to the target's secret and restart`;
      await tellAdmins(deps, post, url, error, `${job.id}:${job.runAt}`);
      throw new PermanentError(error);
    }
    const file = await intake.file(post.file_id);
    const body = webhookBody(post, file, publishedAt, url, now());
    const outcome = await send(url, body, secret, timeoutMs, signal);
    if (outcome.ok) {
      deps.log.info({ post: post.id, creator: post.creator, url, attempt: job.attempts }, 'webhook delivered');
      return;
    }
    const last = job.attempts >= job.maxAttempts;
    if (outcome.retry && !last) throw new Error(`webhook ${url}: ${outcome.error}`);
    const error = outcome.retry ? `${outcome.error} (after ${job.attempts} attempts)` : outcome.error;
    deps.log.warn({ post: post.id, url, error }, 'webhook delivery failed: the admins are told');
    await tellAdmins(deps, post, url, error, `${job.id}:${job.runAt}`);
    throw new PermanentError(`webhook ${url}: ${error}`);
  };
}

/** One POST; the signature is made over exactly the bytes sent. */
async function send(
  url: string,
  body: WebhookBody,
  secret: string,
  timeoutMs: number,
  stop: AbortSignal,
): Promise<Outcome> {
  const raw = JSON.stringify(body);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'centinela-webhook',
        [SIGNATURE_HEADER]: signBody(secret, raw),
        [TIMESTAMP_HEADER]: String(body.timestamp),
        [DELIVERY_HEADER]: body.delivery_id,
      },
      body: raw,
      redirect: 'manual',
      signal: AbortSignal.any([stop, AbortSignal.timeout(timeoutMs)]),
    });
    await res.body?.cancel().catch(() => {});
  } catch (err) {
    const e = err as { name?: string; cause?: { code?: string } };
    const why =
      e.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : (e.cause?.code ?? e.name ?? 'error');
    return { ok: false, retry: true, error: `the request failed (${why})` };
  }
  if (res.status >= 200 && res.status < 300) return { ok: true };
  const error = `the receiver answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
  return { ok: false, retry: res.status >= 500 || res.status === 429, error };
}

/** Once per run of the job (`attempt`: its id and run time; a `jobs retry` that fails again is told again). */
async function tellAdmins(deps: WebhookDeps, post: Post, url: string, error: string, attempt: string): Promise<void> {
  for (const { chatId, lang } of deps.admins) {
    const text = sayIn(lang)('webhook-failed', {
      id: post.id,
      creator: escapeHtml(post.creator),
      url: escapeHtml(url),
      error: escapeHtml(error),
    });
    await queueMessage(deps.store, { chatId, text, format: 'html', dedupKey: `webhook-failed:${attempt}@${chatId}` });
  }
}
