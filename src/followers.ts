// The pipelines registered with the intake, by the purpose of the files they take: the composition root's
// choice, so that the intake names none of them.
import type { Config } from './core/config.ts';
import type { Store } from './core/store/index.ts';
import { videoFollower } from './pipeline/content/index.ts';
import type { Followers } from './pipeline/intake/index.ts';
import { invoiceFollower, pricesFrom } from './pipeline/invoices/index.ts';

export function pipelineFollowers(config: Config, store: Store): Followers {
  // Videos wait in their queue for the content pipeline (its worker runs in the content module).
  return { invoice: invoiceFollower(store, pricesFrom(config)), video: videoFollower(config, store) };
}
