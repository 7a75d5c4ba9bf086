// What the admins are told about a post that needs a person: its outcome is unknown, it was missed or it failed.
// Each goes through the outbox, once per post and state (dedup key), in each admin's language, with its buttons.
import type { Config } from '../../../core/config.ts';
import type { Kysely } from 'kysely';
import type { Database, Store } from '../../../core/store/index.ts';
import { formatTime } from '../../../core/format.ts';
import { langFor, sayIn } from '../../../locales/index.ts';
import type { Lang } from '../../../locales/index.ts';
import { escapeHtml, queueMessage } from '../../../outbox/index.ts';
import type { InlineButton } from '../../../outbox/index.ts';
import type { Post } from '../posts/table.ts';

export interface AdminChat {
  chatId: number;
  lang: Lang;
}

/** Each admin chat with the language of the admin it belongs to (a group: Spanish, the default). */
export function adminChats(config: Config): AdminChat[] {
  return config.telegram.admin_chats.map((chatId) => ({
    chatId,
    lang: langFor(config.telegram.users.find((u) => u.id === chatId)?.language),
  }));
}

/** Presses on these come back to the bot as `post:<action>:<id>`. */
export type PostButton = 'published' | 'again' | 'now' | 'plan';

export function postButtonData(action: PostButton, postId: number): string {
  return `post:${action}:${postId}`;
}

/** `post:<action>:<id>` as the buttons carry it; null for any other data. */
export function parsePostButton(data: string): { action: PostButton; id: number } | null {
  const m = /^post:(published|again|now|plan):(\d{1,15})$/.exec(data);
  return m ? { action: m[1] as PostButton, id: Number(m[2]) } : null;
}

export type PostProblem = 'unknown' | 'missed' | 'failed';

const BUTTONS: Record<PostProblem, PostButton[]> = {
  unknown: ['published', 'again'],
  missed: ['now', 'plan'],
  failed: ['again'],
};

export async function tellAdmins(
  store: Store,
  admins: readonly AdminChat[],
  post: Post,
  problem: PostProblem,
  error: string,
  /** The caller's transaction (the post's move to this state): the messages are kept only if it commits. */
  trx?: Kysely<Database>,
): Promise<void> {
  for (const { chatId, lang } of admins) {
    const say = sayIn(lang);
    const text = say(`post-${problem}`, {
      id: post.id,
      creator: escapeHtml(post.creator),
      target: escapeHtml(post.target),
      planned: post.planned_at === null ? '—' : escapeHtml(formatTime(post.planned_at)),
      error: escapeHtml(error),
    });
    const buttons: InlineButton[][] = [
      BUTTONS[problem].map((b) => ({ text: say(`post-button-${b}`), data: postButtonData(b, post.id) })),
    ];
    await queueMessage(
      store,
      {
        chatId,
        text,
        format: 'html',
        buttons,
        dedupKey: `post-${problem}:${post.id}:${post.attempts}@${chatId}`,
      },
      trx,
    );
  }
}
