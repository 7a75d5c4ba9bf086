// The content pipeline in the service: the poster's worker (content.publish) and the video worker (video.process).
// Built only when a channel is configured and the bot token is set: without them nothing could be published.
import type { Config, Secrets } from '../../core/config.ts';
import type { Logger } from '../../core/log.ts';
import type { Module, ModuleStatus } from '../../core/module.ts';
import type { Queue } from '../../core/queue/index.ts';
import type { Store } from '../../core/store/index.ts';
import { IntakeRecords } from '../intake/index.ts';
import { createCaptionClient, captionSettingsFrom, videoProxyMaker } from './captions/index.ts';
import { adminChats } from './poster/admin-messages.ts';
import { Poster } from './poster/poster.ts';
import { telegramPublishApi } from './poster/telegram-api.ts';
import { VIDEO_QUEUE } from './video-queue.ts';
import { videoHandler } from './video-job.ts';
import { WEBHOOK_QUEUE } from './webhook/queue.ts';
import { webhookHandler } from './webhook/deliver.ts';
import { webhookFollowUp } from './webhook/targets.ts';

export { adminChats };

/** How long one publish call may take before its outcome is unknown. */
const PUBLISH_TIMEOUT_SECONDS = 60;

/** A channel to publish in is configured (content.channel or a creator's own). */
export function contentConfigured(config: Config): boolean {
  return config.content.channel !== '' || config.content.creators.some((c) => c.channel !== '');
}

export class ContentModule implements Module {
  readonly name = 'content';
  #state: ModuleStatus = { state: 'starting' };

  readonly #d: { config: Config; secrets: Secrets; store: Store; queue: Queue; log: Logger };
  #poster: Poster | null = null;

  constructor(config: Config, secrets: Secrets, store: Store, queue: Queue, log: Logger) {
    this.#d = { config, secrets, store, queue, log };
  }

  async start(): Promise<void> {
    const token = this.#d.secrets.TELEGRAM_BOT_TOKEN;
    if (!token) {
      this.#state = { state: 'off', detail: 'TELEGRAM_BOT_TOKEN is not set: nothing can be published' };
      return;
    }
    const intake = new IntakeRecords(this.#d.store);
    const poster = new Poster({
      store: this.#d.store,
      queue: this.#d.queue,
      api: await telegramPublishApi({
        apiRoot: this.#d.config.telegram.api_root,
        token,
        timeoutSeconds: PUBLISH_TIMEOUT_SECONDS,
      }),
      videoOf: async (fileId) => {
        const file = await intake.file(fileId);
        if (file?.file_id) return { telegramFileId: file.file_id };
        return file?.path ? { path: file.path } : null;
      },
      admins: adminChats(this.#d.config),
      missedGraceMs: this.#d.config.content.missed_grace,
      log: this.#d.log,
      // A call still running elsewhere is at most this old; older `sending` rows belong to a dead process.
      staleSendingMs: Math.max(PUBLISH_TIMEOUT_SECONDS * 1000, this.#d.config.queue.lease_seconds * 1000) * 2,
      leaseMs: Math.max((PUBLISH_TIMEOUT_SECONDS + 30) * 1000, this.#d.config.queue.lease_seconds * 1000),
      followUp: webhookFollowUp(this.#d.config.content.targets, this.#d.queue),
    });
    await poster.start();
    this.#poster = poster;
    this.#d.queue.work(
      VIDEO_QUEUE,
      videoHandler({
        config: this.#d.config,
        store: this.#d.store,
        intake,
        poster,
        // One client for the module: its pace (requests_per_minute) is shared by every caption.
        captions: createCaptionClient(captionSettingsFrom(this.#d.config), {
          apiKey: this.#d.secrets.GEMINI_API_KEY,
          // Gemini reads a 360p, 2 fps copy made by ffmpeg (the original without it).
          proxy: videoProxyMaker({ ffmpeg: this.#d.config.content.video.ffmpeg, log: this.#d.log }),
        }),
        admins: adminChats(this.#d.config),
        log: this.#d.log,
      }),
    );
    const unset = this.#startWebhooks();
    this.#state =
      unset.length > 0
        ? { state: 'degraded', detail: `content.targets: ${unset.join(', ')} not set: those webhooks fail` }
        : { state: 'running' };
  }

  /** The webhook worker, when content.targets has any; the secret variables that are not set (named, never shown). */
  #startWebhooks(): string[] {
    const targets = this.#d.config.content.targets;
    if (targets.length === 0) return [];
    this.#d.queue.work(
      WEBHOOK_QUEUE,
      webhookHandler({
        store: this.#d.store,
        targets,
        admins: adminChats(this.#d.config),
        log: this.#d.log,
      }),
      { concurrency: 2 },
    );
    const unset = [...new Set(targets.map((t) => t.secret_env))].filter((name) => !process.env[name]);
    for (const name of unset)
      this.#d.log.warn(
        { variable: name },
        'a webhook target has no secret: set this environment variable (content.targets secret_env) and restart',
      );
    return unset;
  }

  async stop(): Promise<void> {
    this.#poster?.stop();
    this.#state = { state: 'stopped' };
  }

  status(): ModuleStatus {
    return this.#state;
  }
}
