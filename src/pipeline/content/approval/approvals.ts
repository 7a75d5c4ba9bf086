// What the admins' approval buttons do, and the text an admin sends after pressing Edit. Every move is guarded by
// the post's state and by its caption (the one the pressed message showed): a press on a message about an older
// caption, or a second press, changes nothing and says why. Who decided is written in the post's history.
import type { Kysely } from 'kysely';
import type { Config, CreatorConfig } from '../../../core/config.ts';
import { formatLocalTime } from '../../../core/format.ts';
import type { Queue } from '../../../core/queue/index.ts';
import { withTables } from '../../../core/store/index.ts';
import type { Database, Store } from '../../../core/store/index.ts';
import { escapeHtml, messagesCommitted } from '../../../outbox/index.ts';
import { CAPTION_LIMIT } from '../captions/index.ts';
import { planPost } from '../planner/plan-post.ts';
import { adminChats } from '../poster/admin-messages.ts';
import type { AdminChat } from '../poster/admin-messages.ts';
import { PUBLISH_QUEUE, cancelPublishJobs } from '../poster/queue.ts';
import { PostRecords } from '../posts/records.ts';
import type { Post, PostState } from '../posts/table.ts';
import { askApproval, captionHash } from './message.ts';
import type { ApprovalButton } from './message.ts';
import type { CaptionEditTables } from './table.ts';

export interface ApprovalAnswer {
  key: string;
  vars: Record<string, string | number>;
}

/** Who pressed or wrote: the history names them; a pending edit belongs to them in that chat. */
export interface Approver {
  /** "Ana (telegram 1001)" */
  by: string;
  userId: number;
  chatId: number;
  lang: string;
}

/** States a caption change sends back to awaiting_approval when approval applies (never sending, sent or unknown). */
const REAPPROVABLE: readonly PostState[] = ['awaiting_approval', 'scheduled', 'missed', 'failed'];

export class Approvals {
  readonly posts: PostRecords;
  readonly #config: Config;
  readonly #store: Store;
  readonly #queue: Queue;
  readonly #admins: readonly AdminChat[];
  readonly #now: () => number;

  constructor(config: Config, store: Store, queue: Queue, now: () => number = Date.now) {
    this.posts = new PostRecords(store, now);
    this.#config = config;
    this.#store = store;
    this.#queue = queue;
    this.#admins = adminChats(config);
    this.#now = now;
  }

  #creator(folder: string): CreatorConfig | undefined {
    return this.#config.content.creators.find((c) => c.folder === folder);
  }

  #zone(folder: string): string {
    return this.#creator(folder)?.timezone ?? 'UTC';
  }

  /** content.approval, or the creator's own `approval`. */
  applies(folder: string): boolean {
    return this.#creator(folder)?.approval ?? this.#config.content.approval;
  }

  get #edits(): Kysely<Database & CaptionEditTables> {
    return withTables<CaptionEditTables>(this.#store);
  }

  async press(action: ApprovalButton, id: number, hash: string, who: Approver): Promise<ApprovalAnswer> {
    const post = await this.posts.get(id);
    if (!post) return stale(id, '—');
    if (post.state !== 'awaiting_approval') return stale(id, post.state);
    if (captionHash(post.caption) !== hash) return outdated(id);
    switch (action) {
      case 'approve':
        return this.#approve(post, who);
      case 'reject': {
        const moved = await this.posts.transition(
          id,
          'awaiting_approval',
          'cancelled',
          { ifCaption: post.caption },
          `${who.by}: rejected`,
        );
        return moved ? { key: 'post-approval-rejected', vars: { id: String(id) } } : this.#lost(id);
      }
      case 'edit':
        // The admin's next text in this chat is the caption (bot.ts); a second Edit press replaces the first.
        await this.#edits
          .insertInto('caption_edits')
          .values({ chat_id: who.chatId, user_id: who.userId, post_id: id, caption_hash: hash, at: this.#now() })
          .onConflict((oc) =>
            oc.columns(['chat_id', 'user_id']).doUpdateSet({ post_id: id, caption_hash: hash, at: this.#now() }),
          )
          .execute();
        return { key: 'post-approval-edit-prompt', vars: { id: String(id) } };
    }
  }

  /** Scheduled at its planned time, or at the creator's next free slot when that time has passed; its publish job. */
  async #approve(post: Post, who: Approver): Promise<ApprovalAnswer> {
    const now = this.#now();
    const move = (at: number): Promise<boolean> =>
      this.posts.transition(
        post.id,
        'awaiting_approval',
        'scheduled',
        { plannedAt: at, ifCaption: post.caption },
        `${who.by}: approved`,
      );
    let at = post.planned_at ?? now;
    let moved: boolean;
    if (at >= now) moved = await move(at);
    else
      moved = await this.posts.whilePlanning(post.creator, async () => {
        at = await planPost(this.posts, post.creator, this.#creator(post.creator), now);
        return move(at);
      });
    if (!moved) return this.#lost(post.id);
    await this.#queue.enqueue(PUBLISH_QUEUE, { postId: post.id }, { runAt: at });
    return {
      key: 'post-approval-approved',
      vars: { id: String(post.id), at: formatLocalTime(at, this.#zone(post.creator), who.lang) },
    };
  }

  /**
   * The text an admin sent after pressing Edit becomes the post's caption (plain text, escaped), and the post
   * waits for approval again with a new message. null: this admin has no pending edit in this chat.
   */
  async editWith(text: string, who: Approver): Promise<ApprovalAnswer | null> {
    const edit = await this.#edits
      .selectFrom('caption_edits')
      .selectAll()
      .where('chat_id', '=', who.chatId)
      .where('user_id', '=', who.userId)
      .executeTakeFirst();
    if (!edit) return null;
    const plain = text.trim();
    // The edit stays pending: the admin's next message tries again.
    if (plain.length > CAPTION_LIMIT)
      return {
        key: 'post-approval-too-long',
        vars: { id: String(edit.post_id), length: String(plain.length), max: String(CAPTION_LIMIT) },
      };
    const forget = (db: Kysely<Database>): Promise<unknown> =>
      (db as unknown as Kysely<CaptionEditTables>)
        .deleteFrom('caption_edits')
        .where('chat_id', '=', who.chatId)
        .where('user_id', '=', who.userId)
        .where('post_id', '=', edit.post_id)
        .execute();
    const post = await this.posts.get(edit.post_id);
    if (!post || post.state !== 'awaiting_approval' || captionHash(post.caption) !== edit.caption_hash) {
      await forget(this.#store.db as Kysely<Database>);
      if (post?.state === 'awaiting_approval') return outdated(post.id);
      return { key: 'post-approval-edit-stale', vars: { id: String(edit.post_id), state: post?.state ?? '—' } };
    }
    const moved = await this.#recaption(post, escapeHtml(plain), `${who.by}: edited the caption`, forget);
    if (!moved) {
      await forget(this.#store.db as Kysely<Database>);
      return this.#lost(post.id);
    }
    return { key: 'post-approval-edited', vars: { id: String(post.id) } };
  }

  /**
   * /caption with approval on: the new caption waits for approval (a new message), whatever state the post had
   * among REAPPROVABLE; its waiting publish job is cancelled. False when the post could not move.
   */
  async replaceCaption(post: Post, caption: string, detail: string): Promise<boolean> {
    if (!REAPPROVABLE.includes(post.state)) return false;
    const moved = await this.#recaption(post, caption, detail);
    if (moved && post.state !== 'awaiting_approval') await cancelPublishJobs(this.#queue, post.id);
    return moved;
  }

  async #recaption(
    post: Post,
    caption: string,
    detail: string,
    alsoInTransaction?: (trx: Kysely<Database>) => Promise<unknown>,
  ): Promise<boolean> {
    const changed = { ...post, caption, state: 'awaiting_approval' as const };
    const moved = await this.posts.transition(
      post.id,
      post.state,
      'awaiting_approval',
      { caption, captionFromTemplate: false, ifCaption: post.caption },
      detail,
      async (trx) => {
        await alsoInTransaction?.(trx);
        await askApproval(this.#store, this.#admins, changed, this.#zone(post.creator), trx);
      },
    );
    if (moved) messagesCommitted();
    return moved;
  }

  /** A guarded move that lost: someone else moved the post or changed its caption meanwhile. */
  async #lost(id: number): Promise<ApprovalAnswer> {
    const now = await this.posts.get(id);
    return now?.state === 'awaiting_approval' ? outdated(id) : stale(id, now?.state ?? '—');
  }
}

function stale(id: number, state: string): ApprovalAnswer {
  return { key: 'post-answer-stale', vars: { id: String(id), state } };
}

function outdated(id: number): ApprovalAnswer {
  return { key: 'post-approval-outdated', vars: { id: String(id) } };
}
