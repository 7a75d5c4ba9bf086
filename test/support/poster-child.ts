// A service-like process running only the poster, for the crash test: it publishes until it is killed.
import { ChatPacer, Poster, telegramPublishApi } from '../../src/pipeline/content/index.ts';
import { ADMIN } from './content-poster.ts';
import { openChildQueue } from './child-queue.ts';
import type { StoreSpec } from './store-spec.ts';

interface ChildOptions {
  spec: StoreSpec;
  apiRoot: string;
  token: string;
  telegramFileId: string;
}

const options = JSON.parse(process.env.POSTER_CHILD ?? '{}') as ChildOptions;
const { store, log, queue } = await openChildQueue(options.spec, 1500);
const poster = new Poster({
  store,
  queue,
  api: await telegramPublishApi({ apiRoot: options.apiRoot, token: options.token, timeoutSeconds: 30 }),
  videoOf: async () => ({ telegramFileId: options.telegramFileId }),
  admins: [ADMIN],
  missedGraceMs: 7_200_000,
  log,
  pacer: new ChatPacer(10),
  staleSendingMs: 60_000,
});
await poster.start();
process.stdout.write('ready\n');
