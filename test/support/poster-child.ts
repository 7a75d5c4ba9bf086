// A service-like process running only the poster, for the crash test: it publishes until it is killed.
import { createLog } from '../../src/core/log.ts';
import { Queue } from '../../src/core/queue/index.ts';
import { ChatPacer, Poster, telegramPublishApi } from '../../src/pipeline/content/index.ts';
import { ADMIN } from './content-poster.ts';
import { openSpec } from './store-spec.ts';
import type { StoreSpec } from './store-spec.ts';

interface ChildOptions {
  spec: StoreSpec;
  apiRoot: string;
  token: string;
  telegramFileId: string;
}

const options = JSON.parse(process.env.POSTER_CHILD ?? '{}') as ChildOptions;
const store = await openSpec(options.spec);
const log = await createLog({
  level: 'error',
  dir: null,
  stdout: false,
  rotate: { size: 2 ** 20, keep: 1 },
  stdoutStream: process.stderr,
});
const queue = new Queue({
  store,
  log: log.root,
  pollMs: 50,
  leaseMs: 1500,
  maxAttempts: 5,
  backoff: { baseMs: 10, capMs: 100 },
});
const poster = new Poster({
  store,
  queue,
  api: await telegramPublishApi({ apiRoot: options.apiRoot, token: options.token, timeoutSeconds: 30 }),
  videoOf: async () => ({ telegramFileId: options.telegramFileId }),
  admins: [ADMIN],
  missedGraceMs: 7_200_000,
  log: log.root,
  pacer: new ChatPacer(10),
  staleSendingMs: 60_000,
});
await poster.start();
process.stdout.write('ready\n');
