// A stored video becomes a post: its caption (for now the creator's template: the Gemini captions plug in here),
// its time (the creator's next free slot) and its publish job; the creator is told when it goes out, in their
// language and time zone. The job runs at least once: every step finds what an earlier run did.
import type { Config, CreatorConfig } from '../../core/config.ts';
import { formatLocalTime } from '../../core/format.ts';
import type { Logger } from '../../core/log.ts';
import type { HandlerContext } from '../../core/queue/index.ts';
import type { Store } from '../../core/store/index.ts';
import type { FileJobPayload, FileRow, IntakeRecords } from '../intake/index.ts';
import { sayIn } from '../../locales/index.ts';
import { escapeHtml, queueMessage } from '../../outbox/index.ts';
import { planPost } from './planner/plan-post.ts';
import { localDate } from './planner/zone.ts';
import type { Poster } from './poster/poster.ts';
import { PostRecords } from './posts/records.ts';
import { fillTemplate } from './template.ts';

export interface VideoJobDeps {
  config: Config;
  store: Store;
  intake: IntakeRecords;
  poster: Poster;
  log: Logger;
  now?: () => number;
}

export function creatorOf(config: Config, folder: string): CreatorConfig | undefined {
  return config.content.creators.find((c) => c.folder === folder);
}

export function videoHandler(d: VideoJobDeps): (ctx: HandlerContext<FileJobPayload>) => Promise<void> {
  const now = d.now ?? Date.now;
  const posts = new PostRecords(d.store, now);
  return async ({ job }) => {
    const file = await d.intake.file(job.payload.fileId);
    if (!file || file.state !== 'stored') return; // a duplicate or a failed download: nothing to publish
    const folder = file.folder ?? '';
    const creator = creatorOf(d.config, folder);
    const target = creator?.channel || d.config.content.channel;
    if (!target) {
      d.log.warn({ file: file.id, creator: folder }, 'video not posted: no channel (content.channel) for its creator');
      return;
    }
    const { post } = await posts.create({ fileId: file.id, creator: folder, target });
    if (post.state === 'scheduled') {
      // An earlier run planned it and may have died before its job or the receipt was queued: both are idempotent.
      await d.poster.schedule(post);
      await receipt(file, post.planned_at ?? now(), false);
      return;
    }
    if (post.state !== 'captioning') return;
    const zone = creator?.timezone ?? 'UTC';
    const approval = creator?.approval ?? d.config.content.approval;
    const to = approval ? 'awaiting_approval' : 'scheduled';
    const plannedAt = await posts.whilePlanning(folder, async () => {
      const at = await planPost(posts, folder, creator, now());
      const day = localDate(at, zone);
      const date = `${day.year}-${String(day.month).padStart(2, '0')}-${String(day.day).padStart(2, '0')}`;
      // What the creator wrote with the video is not kept by the intake yet: {text} is empty.
      const caption = fillTemplate(creator?.caption_template ?? '{text}', { creator: folder, date, text: '' });
      const changes = { caption, captionFromTemplate: true, plannedAt: at };
      return (await posts.transition(post.id, 'captioning', to, changes, 'caption from the template')) ? at : null;
    });
    if (plannedAt === null) return;
    if (to === 'scheduled') await d.poster.schedule({ id: post.id, planned_at: plannedAt });
    d.log.info(
      { post: post.id, creator: folder, planned_at: new Date(plannedAt).toISOString(), state: to },
      'post planned',
    );
    await receipt(file, plannedAt, approval);
  };

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
