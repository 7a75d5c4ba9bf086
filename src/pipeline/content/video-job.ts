// A stored video becomes a post: checked first (a bad or too long one goes to quarantine and the creator is told),
// then its caption (Gemini in the creator's voice, else the creator's template), its time (the creator's next free
// slot) and its publish job; the creator is told when it goes out, in their language and time zone. The job runs
// at least once: every step finds what an earlier run did.
import type { Kysely } from 'kysely';
import type { Config, CreatorConfig } from '../../core/config.ts';
import { formatLocalTime } from '../../core/format.ts';
import type { Logger } from '../../core/log.ts';
import { render } from '../../core/messages.ts';
import { PermanentError } from '../../core/queue/index.ts';
import type { HandlerContext } from '../../core/queue/index.ts';
import type { Database, Store } from '../../core/store/index.ts';
import type { FileJobPayload, FileRow, IntakeRecords } from '../intake/index.ts';
import { sayIn } from '../../locales/index.ts';
import { escapeHtml, messagesCommitted, queueAdminMessage, queueMessage, unescapeHtml } from '../../outbox/index.ts';
import { askApproval } from './approval/message.ts';
import { captionSettingsFrom, createCaptionClient, fillTemplate } from './captions/index.ts';
import type { CaptionClient, CaptionCreator, CaptionResult } from './captions/index.ts';
import { planPost } from './planner/plan-post.ts';
import type { AdminChat } from './poster/admin-messages.ts';
import type { Poster } from './poster/poster.ts';
import { PostRecords } from './posts/records.ts';
import { checkVideo, quarantineRefusedVideo } from './video-check/index.ts';

/** How the error of a file the video check refused begins (the batch summary words those itself). */
export const REFUSED_PREFIX = 'video refused';

/** Approved or edited captions of the creator the prompt carries: enough to show the voice, few tokens. */
const APPROVED_IN_PROMPT = 5;

export interface VideoJobDeps {
  config: Config;
  store: Store;
  intake: IntakeRecords;
  poster: Poster;
  log: Logger;
  /** One per module (its pace is shared); default: a client without a key, which gives the template. */
  captions?: CaptionClient;
  /** Who hears that the daily caption budget is spent, and who approves captions (content.approval). */
  admins?: readonly AdminChat[];
  now?: () => number;
}

export function creatorOf(config: Config, folder: string): CreatorConfig | undefined {
  return config.content.creators.find((c) => c.folder === folder);
}

export function videoHandler(d: VideoJobDeps): (ctx: HandlerContext<FileJobPayload>) => Promise<void> {
  const now = d.now ?? Date.now;
  const posts = new PostRecords(d.store, now);
  const captions = d.captions ?? createCaptionClient(captionSettingsFrom(d.config));
  return async (ctx) => {
    // The check and the caption can outlast the lease (ffmpeg's decoding, Gemini's file processing): keep it.
    const keepAlive =
      ctx.leaseMs > 0
        ? setInterval(() => void ctx.heartbeat().catch(() => {}), Math.max(500, ctx.leaseMs / 3))
        : undefined;
    try {
      await run(ctx);
    } finally {
      clearInterval(keepAlive);
    }
  };

  async function run({ job, signal }: HandlerContext<FileJobPayload>): Promise<void> {
    const file = await d.intake.file(job.payload.fileId);
    if (!file || file.state !== 'stored') return; // a duplicate, a failed download or a refused video
    const folder = file.folder ?? '';
    const creator = creatorOf(d.config, folder);
    const target = creator?.channel || d.config.content.channel;
    if (!target) {
      d.log.warn({ file: file.id, creator: folder }, 'video not posted: no channel (content.channel) for its creator');
      return;
    }
    // Checked until it has a post: a re-run after planning does not check again. A video known only by its
    // Telegram file_id (no path) has nothing on disk to check.
    if (file.path && !(await posts.byFile(file.id)) && (await refused(file, file.path, signal))) return;
    const { post } = await posts.create({ fileId: file.id, creator: folder, target });
    if (post.state === 'scheduled') {
      // An earlier run planned it and may have died before its job or the receipt was queued: both are idempotent.
      await d.poster.schedule(post);
      await receipt(file, post.planned_at ?? now(), false);
      return;
    }
    if (post.state !== 'captioning') return;
    // What the creator wrote with the video: in the prompt and in the template's {text}.
    const text = await d.intake.textWith(file);
    // Outside the planning lock: a caption can take seconds, and other videos of the creator are planned meanwhile.
    const written = file.path ? await caption(file, file.path, folder, creator, text) : null;
    const zone = creator?.timezone ?? 'UTC';
    const approval = creator?.approval ?? d.config.content.approval;
    if (approval && (d.admins ?? []).length === 0)
      d.log.warn(
        { file: file.id, creator: folder },
        'content.approval is on but telegram.admin_chats is empty: nobody is asked to approve the post',
      );
    const to = approval ? 'awaiting_approval' : 'scheduled';
    const plannedAt = await posts.whilePlanning(folder, async () => {
      const at = await planPost(posts, folder, creator, now());
      const fromTemplate = written === null || written.fromTemplate;
      const changes = {
        caption: fromTemplate ? templateCaption(folder, creator, at, text, written) : written.html,
        captionFromTemplate: fromTemplate,
        captionCost: written === null ? null : written.cost.amount,
        plannedAt: at,
      };
      const detail = fromTemplate
        ? `caption from the template${written?.problem ? `: ${written.problem}` : ''}`
        : `caption by ${written.model ?? 'Gemini'}`;
      // The admins' approval message is written with the move: a crash between them cannot leave a post nobody is asked about.
      const ask = approval
        ? (trx: Kysely<Database>) =>
            askApproval(d.store, d.admins ?? [], { ...post, caption: changes.caption, planned_at: at }, zone, trx)
        : undefined;
      return (await posts.transition(post.id, 'captioning', to, changes, detail, ask)) ? at : null;
    });
    if (plannedAt === null) return;
    if (approval) messagesCommitted();
    if (to === 'scheduled') await d.poster.schedule({ id: post.id, planned_at: plannedAt });
    d.log.info(
      { post: post.id, creator: folder, planned_at: new Date(plannedAt).toISOString(), state: to },
      'post planned',
    );
    await receipt(file, plannedAt, approval);
  }

  /**
   * A video the check refuses goes to quarantine, its creator is told (once) and its file is `rejected` as the
   * intake's own refusals are: the job ends cleanly, since running it again would refuse the same bytes.
   */
  async function refused(file: FileRow, path: string, signal: AbortSignal | undefined): Promise<boolean> {
    const check = await checkVideo(path, d.config.content.video, { signal }).catch((err: unknown) => {
      // Gone from its folder (moved by hand, or quarantined by a run that died before recording it): no retry finds it.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        throw new PermanentError(`the video of file ${file.id} is no longer at ${path}`, { cause: err });
      throw err;
    });
    if (check.ok) return false;
    const { quarantinedPath, tell } = await quarantineRefusedVideo(
      d.config.paths.data,
      { fileId: file.id, path, fileName: file.file_name, sender: file.sender_name, sha256: file.sha256 },
      check,
      new Date(now()),
      d.log,
    );
    const chatId = file.chat_id ?? file.sender_id;
    if (chatId !== null) {
      const say = sayIn(creatorOf(d.config, file.folder ?? '')?.language ?? 'es');
      const text = render({ ...tell, vars: { ...tell.vars, name: escapeHtml(String(tell.vars?.name ?? '')) } }, say);
      await queueMessage(d.store, { chatId, text, dedupKey: `video-refused:file:${file.id}` });
    }
    await d.intake.updateFile(file.id, {
      state: 'rejected',
      path: quarantinedPath,
      error: `${REFUSED_PREFIX} (${check.problem}): ${check.detail}`,
    });
    return true;
  }

  /** Gemini's caption in the creator's voice (or the template, with why); alerts the admins when the budget is spent. */
  async function caption(
    file: FileRow,
    videoPath: string,
    folder: string,
    creator: CreatorConfig | undefined,
    text: string,
  ): Promise<CaptionResult> {
    const day = new Date(now()).toISOString().slice(0, 10);
    const [approved, spentToday] = await Promise.all([
      posts.approvedCaptions(folder, APPROVED_IN_PROMPT),
      posts.captionCostSince(Date.parse(`${day}T00:00:00Z`)),
    ]);
    const result = await captions.caption({
      videoPath,
      creator: captionCreator(folder, creator),
      text,
      day: new Date(now()),
      approved: approved.map(unescapeHtml),
      spentToday,
    });
    if (result.problem)
      d.log.info({ file: file.id, creator: folder, detail: result.problem }, 'caption from the template');
    if (result.budgetReached) await budgetAlert(day);
    return result;
  }

  /** Once per UTC day, to each admin chat in its language. */
  async function budgetAlert(day: string): Promise<void> {
    const admins = d.admins ?? [];
    for (const lang of new Set(admins.map((a) => a.lang))) {
      const chats = admins.filter((a) => a.lang === lang).map((a) => a.chatId);
      await queueAdminMessage(d.store, chats, {
        text: sayIn(lang)('admin-caption-budget', { budget: d.config.content.gemini.daily_budget }),
        dedupKey: `caption-budget:${day}`,
      });
    }
  }

  /** Tells the creator when the post goes out, in their language and zone; once per post (dedup key). */
  async function receipt(file: FileRow, plannedAt: number, approval: boolean): Promise<void> {
    const chatId = file.chat_id ?? file.sender_id;
    const post = await posts.byFile(file.id);
    if (chatId === null || !post) return;
    const creator = creatorOf(d.config, file.folder ?? '');
    const lang = creator?.language ?? 'es';
    await queueMessage(d.store, {
      chatId,
      text: sayIn(lang)(approval ? 'post-receipt-approval' : 'post-receipt', {
        id: post.id,
        when: escapeHtml(formatLocalTime(plannedAt, creator?.timezone ?? 'UTC', lang)),
      }),
      dedupKey: `post-receipt:${post.id}`,
    });
  }
}

function captionCreator(folder: string, creator: CreatorConfig | undefined): CaptionCreator {
  return {
    name: folder,
    language: creator?.language ?? 'es',
    timezone: creator?.timezone ?? 'UTC',
    persona: creator?.persona ?? '',
    hashtags: creator?.hashtags ?? [],
    bannedWords: creator?.banned_words ?? [],
    captionTemplate: creator?.caption_template ?? '{text}',
  };
}

/**
 * The creator's template with {date} the day it goes out in their zone and language, and the hashtags the caption
 * client picked (none without a caption client's answer). HTML-escaped.
 */
function templateCaption(
  folder: string,
  creator: CreatorConfig | undefined,
  at: number,
  text: string,
  written: CaptionResult | null,
): string {
  const body = escapeHtml(fillTemplate(captionCreator(folder, creator), text, at));
  const tags = escapeHtml((written?.hashtags ?? []).join(' '));
  return tags === '' ? body : body === '' ? tags : `${body}\n\n${tags}`;
}
