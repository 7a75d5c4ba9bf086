// The admins' approval message of a post: its caption with Approve / Edit / Reject. Each button carries a short
// hash of the caption it was shown with, so that a press on a message about an older caption is refused: an
// approval is of that exact text.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { formatLocalTime } from '../../../core/format.ts';
import type { Database, Store } from '../../../core/store/index.ts';
import { sayIn } from '../../../locales/index.ts';
import { escapeHtml, queueMessage } from '../../../outbox/index.ts';
import type { AdminChat } from '../poster/admin-messages.ts';
import type { Post } from '../posts/table.ts';

export type ApprovalButton = 'approve' | 'edit' | 'reject';

/** 8 hex digits of the caption's SHA-256: enough to tell one version of a post's caption from the next. */
export function captionHash(caption: string | null): string {
  return createHash('sha256')
    .update(caption ?? '')
    .digest('hex')
    .slice(0, 8);
}

/** `appr:<approve|edit|reject>:<post id>:<caption hash>` (well under Telegram's 64 bytes). */
export function approvalButtonData(action: ApprovalButton, postId: number, hash: string): string {
  return `appr:${action}:${postId}:${hash}`;
}

/** The button's action, post and caption hash; null for any other data. */
export function parseApprovalButton(data: string): { action: ApprovalButton; id: number; hash: string } | null {
  const m = /^appr:(approve|edit|reject):(\d{1,15}):([0-9a-f]{8})$/.exec(data);
  return m ? { action: m[1] as ApprovalButton, id: Number(m[2]), hash: m[3] as string } : null;
}

/**
 * Queues the approval message of `post` (as it is after its move to awaiting_approval) to each admin chat, in the
 * admin's language. Given the caller's transaction, the messages are kept only if the move commits.
 */
export async function askApproval(
  store: Store,
  admins: readonly AdminChat[],
  post: Pick<Post, 'id' | 'creator' | 'caption' | 'planned_at'>,
  zone: string,
  trx?: Kysely<Database>,
): Promise<void> {
  const hash = captionHash(post.caption);
  for (const { chatId, lang } of admins) {
    const say = sayIn(lang);
    const text = say('post-approval', {
      id: String(post.id),
      creator: escapeHtml(post.creator),
      planned: post.planned_at === null ? '—' : escapeHtml(formatLocalTime(post.planned_at, zone, lang)),
      // Stored as Telegram HTML already (escaped plain text).
      caption: post.caption === null || post.caption === '' ? say('post-approval-no-caption') : post.caption,
    });
    const buttons = [
      (['approve', 'edit', 'reject'] as const).map((b) => ({
        text: say(`post-button-${b}`),
        data: approvalButtonData(b, post.id, hash),
      })),
    ];
    await queueMessage(store, { chatId, text, format: 'html', buttons }, trx);
  }
}
