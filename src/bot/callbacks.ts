// Presses on the inline buttons of incident alerts: Retry, Silence 1 h, Details. Admins only. Every press is
// answered (answerCallbackQuery), also a refused or stale one, so that the admin's client stops its spinner.
import type { Context } from 'grammy';
import type { Logger } from '../core/log.ts';
import type { Store } from '../core/store/index.ts';
import { formatIncident } from '../monitor/index.ts';
import type { Incident } from '../monitor/index.ts';
import type { CommandCall } from './commands.ts';
import type { Lang, Translator } from './i18n.ts';
import { fitMessage } from './monitor-commands.ts';
import { formatTime } from '../core/format.ts';
import type { MonitorRecords } from './monitor-commands.ts';
import { escapeHtml } from '../outbox/index.ts';
import { parseApprovalButton, parsePostButton } from '../pipeline/content/index.ts';
import type { Approvals, PostActions } from '../pipeline/content/index.ts';
import { pressApprovalButton } from './approval-buttons.ts';
import { parseReviewButton, pressReviewButton } from './review-buttons.ts';
import type { BotUser } from './users.ts';

/** What the Silence button silences for. */
const SILENCE_BUTTON_MS = 3_600_000;

type IncidentButton = 'retry' | 'silence' | 'details';

/** `inc:<retry|silence|details>:<incident id>`, as the alerts put it on their buttons; null for anything else. */
function parseIncidentButton(data: string): { action: IncidentButton; id: number } | null {
  const m = /^inc:(retry|silence|details):(\d{1,15})$/.exec(data);
  return m ? { action: m[1] as IncidentButton, id: Number(m[2]) } : null;
}

type T = CommandCall['t'];

export interface CallbackDeps {
  records: () => MonitorRecords;
  t: Translator;
  log: Logger;
  /** For the Approve/Reject buttons of /review. */
  store: Store;
  dataDir: string;
  /** For the buttons of a post whose outcome is unknown, missed or failed. */
  posts: PostActions;
  /** For the Approve / Edit / Reject buttons under a post's caption. */
  approvals: Approvals;
}

/** Handles a press by a known user (unknown ones are refused before this, by the bot's auth). */
export async function handleCallback(ctx: Context, user: BotUser, deps: CallbackDeps): Promise<void> {
  const data = ctx.callbackQuery?.data;
  if (data === undefined) {
    await ctx.answerCallbackQuery(); // a game button or such: nothing of ours
    return;
  }
  const t: T = (key, vars) => deps.t.t(user.language, key, vars);
  if (user.role !== 'admin') {
    await ctx.answerCallbackQuery({ text: t('button-admin-only'), show_alert: true });
    return;
  }
  const review = parseReviewButton(data);
  if (review) {
    const answer = await pressReviewButton(review, user, deps.store, deps.dataDir, t).catch((err: unknown) => {
      deps.log.error({ err, invoice: review.id, button: review.action }, 'review button failed');
      return t('button-failed');
    });
    deps.log.info({ invoice: review.id, button: review.action, by: user.name }, 'review button pressed');
    await ctx.answerCallbackQuery({ text: answer });
    return;
  }
  const post = parsePostButton(data);
  if (post) {
    const answer = await deps.posts
      .press(post.action, post.id, user.name)
      .then((a) => t(a.key, a.vars))
      .catch((err: unknown) => {
        deps.log.error({ err, post: post.id, button: post.action }, 'post button failed');
        return t('button-failed');
      });
    deps.log.info({ post: post.id, button: post.action, by: user.name }, 'post button pressed');
    await ctx.answerCallbackQuery({ text: answer });
    return;
  }
  const approval = parseApprovalButton(data);
  if (approval) {
    await pressApprovalButton(ctx, user, approval, deps.approvals, t, deps.log);
    return;
  }
  const press = parseIncidentButton(data);
  if (!press) {
    await ctx.answerCallbackQuery({ text: t('button-unknown'), show_alert: true });
    return;
  }
  let answer: string;
  try {
    answer = await act(ctx, user, press, deps.records(), t);
    deps.log.info({ incident: press.id, button: press.action, by: user.name }, 'incident button pressed');
  } catch (err) {
    deps.log.error({ err, incident: press.id, button: press.action }, 'incident button failed');
    answer = t('button-failed');
  }
  await ctx.answerCallbackQuery({ text: answer });
}

async function act(
  ctx: Context,
  user: BotUser,
  press: { action: IncidentButton; id: number },
  { incidents, silences }: MonitorRecords,
  t: T,
): Promise<string> {
  const id = String(press.id);
  const incident = await incidents.get(press.id);
  if (!incident) return t('button-gone', { id });
  switch (press.action) {
    case 'retry':
      // A solved incident has nothing left to repair; a failed one is what Retry is for.
      if (incident.state === 'solved') return t('button-retry-solved', { id });
      // Nothing to repair: a retry would only close this incident and open a new one under another number (issue 10.10).
      if (incident.action === null) return t('button-retry-no-repair', { id });
      return (await incidents.requestRetry(press.id)) ? t('button-retry-done', { id }) : t('button-gone', { id });
    case 'silence': {
      const s = await silences.add({
        matcher: incident.rule,
        durationMs: SILENCE_BUTTON_MS,
        reason: 'button',
        by: user.name,
      });
      return t('button-silence-done', { rule: s.matcher, until: formatTime(s.until) });
    }
    case 'details':
      await ctx.api.sendMessage(ctx.chat?.id ?? user.id, await details(incident, incidents, user.language, t), {
        parse_mode: 'HTML',
      });
      return t('button-details-done');
  }
}

/** The incident as the alerts show it, and its state changes, newest first (when too many, the oldest are left out). */
async function details(incident: Incident, incidents: MonitorRecords['incidents'], lang: Lang, t: T): Promise<string> {
  const events = await incidents.events(incident.id);
  const lines = [...events]
    .reverse()
    .map(
      (e) =>
        `${escapeHtml(formatTime(e.at))} <b>${escapeHtml(e.state)}</b>${e.detail ? ` — ${escapeHtml(e.detail)}` : ''}`,
    );
  const head = [formatIncident(incident, lang), '', `<b>${escapeHtml(t('details-events'))}</b>`];
  return fitMessage(head, lines, (n) => escapeHtml(t('details-more', { count: n })));
}
