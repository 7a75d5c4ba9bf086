// The approval buttons under a post's caption (Approve / Edit / Reject) and the text an admin sends after Edit.
// Admins only: callbacks.ts refuses others before a press gets here. The decisions are the content module's.
import type { Context } from 'grammy';
import type { Logger } from '../core/log.ts';
import type { Approvals, Approver, ApprovalButton } from '../pipeline/content/index.ts';
import type { BotUser } from './users.ts';

type T = (key: string, vars?: Record<string, string | number>) => string;

function approver(ctx: Context, user: BotUser): Approver {
  return {
    by: `${user.name} (telegram ${user.id})`,
    userId: user.id,
    chatId: ctx.chat?.id ?? user.id,
    lang: user.language,
  };
}

/** An admin's press: answered where it was made; Edit also asks for the text in the chat, where it stays visible. */
export async function pressApprovalButton(
  ctx: Context,
  user: BotUser,
  press: { action: ApprovalButton; id: number; hash: string },
  approvals: Approvals,
  t: T,
  log: Logger,
): Promise<void> {
  const who = approver(ctx, user);
  const answer = await approvals.press(press.action, press.id, press.hash, who).catch((err: unknown) => {
    log.error({ err, post: press.id, button: press.action }, 'approval button failed');
    return null;
  });
  log.info({ post: press.id, button: press.action, by: user.name, answer: answer?.key }, 'approval button pressed');
  const text = answer ? t(answer.key, answer.vars) : t('button-failed');
  await ctx.answerCallbackQuery({ text, show_alert: answer?.key === 'post-approval-outdated' });
  if (answer?.key === 'post-approval-edit-prompt') await ctx.reply(text);
}

/** The admin's text after Edit becomes the caption; false when they have no pending edit in this chat. */
export async function takeCaptionEdit(
  ctx: Context,
  user: BotUser,
  approvals: Approvals,
  t: T,
  log: Logger,
): Promise<boolean> {
  const text = ctx.message?.text;
  if (user.role !== 'admin' || text === undefined) return false;
  const answer = await approvals.editWith(text, approver(ctx, user));
  if (!answer) return false;
  log.info({ by: user.name, answer: answer.key }, 'caption edit received');
  await ctx.reply(t(answer.key, answer.vars));
  return true;
}
