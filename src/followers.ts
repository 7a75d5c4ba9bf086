// The pipelines registered with the intake, by the purpose of the files they take: the composition root's
// choice, so that the intake names none of them.
import type { Config } from './core/config.ts';
import type { Store } from './core/store/index.ts';
import type { Followers, PipelineFollower } from './pipeline/intake/index.ts';
import { invoiceFollower, pricesFrom } from './pipeline/invoices/index.ts';

/** Videos wait in their queue for the video pipeline, which will register its own follower here. */
const VIDEO_QUEUE = 'video.process';
const videoFollower: PipelineFollower = { queue: VIDEO_QUEUE, jobKey: (fileId) => `${VIDEO_QUEUE}:${fileId}` };

export function pipelineFollowers(config: Config, store: Store): Followers {
  return { invoice: invoiceFollower(store, pricesFrom(config)), video: videoFollower };
}
