// A poster on a test store, publishing to the fake Bot API: what the poster tests and the crash child share.
import type { Queue } from '../../src/core/queue/index.ts';
import type { Store } from '../../src/core/store/index.ts';
import { ChatPacer, Poster, telegramPublishApi } from '../../src/pipeline/content/index.ts';
import type { AdminChat, SentFollowUp } from '../../src/pipeline/content/index.ts';
import { quietLog } from './stores.ts';

export const CHANNEL = '-1001234567890';
export const ADMIN: AdminChat = { chatId: 111, lang: 'en' };

export interface PosterOptions {
  apiRoot: string;
  token: string;
  /** The Telegram file_id every post publishes. */
  telegramFileId: string;
  /** Instead: a file every post uploads (a video that did not come through Telegram). */
  videoPath?: string;
  missedGraceMs?: number;
  timeoutSeconds?: number;
  pacingMs?: number;
  staleSendingMs?: number;
  leaseMs?: number;
  maxPacingWaitMs?: number;
  sweepMs?: number;
  /** What follows a post out (webhooks). */
  followUp?: SentFollowUp | null;
  /** Told as each publish call starts, in the poster (what the pacing guarantees; the fake sees it later). */
  onCall?: (chat: string) => void;
}

export async function testPoster(store: Store, queue: Queue, o: PosterOptions): Promise<Poster> {
  const api = await telegramPublishApi({ apiRoot: o.apiRoot, token: o.token, timeoutSeconds: o.timeoutSeconds ?? 5 });
  const onCall = o.onCall;
  return new Poster({
    store,
    queue,
    api: onCall ? { sendVideo: (chat, video, caption) => (onCall(chat), api.sendVideo(chat, video, caption)) } : api,
    videoOf: async () => (o.videoPath ? { path: o.videoPath } : { telegramFileId: o.telegramFileId }),
    admins: [ADMIN],
    missedGraceMs: o.missedGraceMs ?? 7_200_000,
    log: await quietLog(),
    pacer: new ChatPacer(o.pacingMs ?? 10),
    staleSendingMs: o.staleSendingMs ?? 60_000,
    leaseMs: o.leaseMs,
    maxPacingWaitMs: o.maxPacingWaitMs,
    sweepMs: o.sweepMs,
    followUp: o.followUp ?? null,
  });
}
