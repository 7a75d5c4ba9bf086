// What the admins' content commands do, without Telegram: /queue, /postnow, /skip, /reschedule, /caption. Each
// answers with a message key and its variables; the bot renders it in the admin's language.
import type { Config } from '../../core/config.ts';
import { formatLocalTime } from '../../core/format.ts';
import type { Queue } from '../../core/queue/index.ts';
import type { Store } from '../../core/store/index.ts';
import { escapeHtml } from '../../outbox/index.ts';
import { Approvals } from './approval/approvals.ts';
import { addDays, localDate, zonedTime } from './planner/zone.ts';
import { PUBLISH_QUEUE, cancelPublishJobs } from './poster/queue.ts';
import { PostRecords } from './posts/records.ts';
import type { Post, PostState } from './posts/table.ts';

export interface Answer {
  key: string;
  vars?: Record<string, string | number>;
}

/** Posts a person may still move (not sent, not being sent). */
const MOVABLE: readonly PostState[] = ['scheduled', 'missed', 'failed', 'unknown'];
const SKIPPABLE: readonly PostState[] = ['captioning', 'awaiting_approval', 'scheduled', 'missed', 'failed', 'unknown'];
const CAPTIONABLE: readonly PostState[] = ['awaiting_approval', 'scheduled', 'missed', 'failed', 'unknown'];

export class PostCommands {
  readonly posts: PostRecords;
  readonly #config: Config;
  readonly #queue: Queue;
  readonly #now: () => number;
  readonly #approvals: Approvals;

  constructor(config: Config, store: Store, queue: Queue, now: () => number = Date.now) {
    this.posts = new PostRecords(store, now);
    this.#approvals = new Approvals(config, store, queue, now);
    this.#config = config;
    this.#queue = queue;
    this.#now = now;
  }

  #zone(creator: string): string {
    return this.#config.content.creators.find((c) => c.folder === creator)?.timezone ?? 'UTC';
  }

  /** The next posts, one line each, with their time in their creator's zone. */
  async queue(creator: string, lang: string): Promise<string[]> {
    const posts = await this.posts.upcoming(20, creator || undefined);
    return posts.map(
      (p) =>
        `#${p.id} ${escapeHtml(p.creator)} · ${p.state} · ${p.planned_at === null ? '—' : escapeHtml(formatLocalTime(p.planned_at, this.#zone(p.creator), lang))}`,
    );
  }

  async postNow(id: number, by: string, lang: string): Promise<Answer> {
    return this.#move(id, this.#now(), `${by}: /postnow`, lang);
  }

  /** `when`: "HH:MM" (its next time) or "YYYY-MM-DD HH:MM", in the post's creator's zone. */
  async reschedule(id: number, when: string, by: string, lang: string): Promise<Answer> {
    const post = await this.posts.get(id);
    if (!post) return { key: 'post-cmd-none', vars: { id } };
    const at = parseWhen(when, this.#zone(post.creator), this.#now());
    if (at === null) return { key: 'post-cmd-bad-time', vars: { when: escapeHtml(when) } };
    return this.#move(id, at, `${by}: /reschedule ${when}`, lang);
  }

  /** A post awaiting approval goes out at its planned time (now, when that has passed). */
  async approve(id: number, by: string): Promise<Answer> {
    const post = await this.posts.get(id);
    if (!post) return { key: 'post-cmd-none', vars: { id } };
    const at = Math.max(post.planned_at ?? 0, this.#now());
    if (!(await this.posts.transition(id, 'awaiting_approval', 'scheduled', { plannedAt: at }, `${by}: approved`)))
      return stale(post);
    await this.#queue.enqueue(PUBLISH_QUEUE, { postId: id }, { runAt: at });
    return { key: 'post-cmd-planned', vars: { id, at: new Date(at).toISOString() } };
  }

  async skip(id: number, by: string): Promise<Answer> {
    const post = await this.posts.get(id);
    if (!post) return { key: 'post-cmd-none', vars: { id } };
    if (!(await this.posts.transition(id, SKIPPABLE, 'cancelled', {}, `${by}: /skip`))) return stale(post);
    await cancelPublishJobs(this.#queue, id);
    return { key: 'post-cmd-skipped', vars: { id } };
  }

  /** The caption is plain text, escaped like a template's. */
  async caption(id: number, text: string, by: string): Promise<Answer> {
    const post = await this.posts.get(id);
    if (!post) return { key: 'post-cmd-none', vars: { id } };
    if (!CAPTIONABLE.includes(post.state)) return stale(post);
    const caption = escapeHtml(text.trim());
    // An approved caption that changes needs a new approval: the post waits again, and the admins get the new one.
    if (this.#approvals.applies(post.creator) && post.state !== 'unknown') {
      const ok = await this.#approvals.replaceCaption(post, caption, `${by}: /caption`);
      return ok ? { key: 'post-cmd-captioned-approval', vars: { id } } : stale(post);
    }
    const ok = await this.posts.transition(
      id,
      post.state,
      post.state,
      { caption, captionFromTemplate: false },
      `${by}: /caption`,
    );
    return ok ? { key: 'post-cmd-captioned', vars: { id } } : stale(post);
  }

  async #move(id: number, at: number, detail: string, lang: string): Promise<Answer> {
    const post = await this.posts.get(id);
    if (!post) return { key: 'post-cmd-none', vars: { id } };
    if (!(await this.posts.transition(id, MOVABLE, 'scheduled', { plannedAt: at }, detail))) return stale(post);
    // A waiting job keeps its old time: it is replaced by one at the new time.
    await cancelPublishJobs(this.#queue, id);
    await this.#queue.enqueue(PUBLISH_QUEUE, { postId: id }, { runAt: at });
    return { key: 'post-cmd-planned', vars: { id, at: formatLocalTime(at, this.#zone(post.creator), lang) } };
  }
}

function stale(post: Post): Answer {
  return { key: 'post-answer-stale', vars: { id: post.id, state: post.state } };
}

/** "HH:MM" → its next time from now; "YYYY-MM-DD HH:MM" → that time; both in `zone`. null: not a time. */
export function parseWhen(when: string, zone: string, now: number): number | null {
  const full = /^(\d{4})-(\d{2})-(\d{2})[ T]([01]\d|2[0-3]):([0-5]\d)$/.exec(when.trim());
  if (full) {
    const [, y, mo, d, h, mi] = full.map(Number) as [number, number, number, number, number, number];
    if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
    return zonedTime({ year: y, month: mo, day: d }, h * 60 + mi, zone);
  }
  const time = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(when.trim());
  if (!time) return null;
  const minutes = Number(time[1]) * 60 + Number(time[2]);
  const today = localDate(now, zone);
  const at = zonedTime(today, minutes, zone);
  return at > now ? at : zonedTime(addDays(today, 1), minutes, zone);
}
