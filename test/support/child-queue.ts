// What a crash-test child process opens: the parent's store, a log that writes only errors (to stderr, so stdout
// stays the child's channel to its parent), and a queue with short polls and backoffs.
import { createLog } from '../../src/core/log.ts';
import type { Logger } from '../../src/core/log.ts';
import { Queue } from '../../src/core/queue/index.ts';
import type { Store } from '../../src/core/store/index.ts';
import { openSpec } from './store-spec.ts';
import type { StoreSpec } from './store-spec.ts';

export async function openChildQueue(
  spec: StoreSpec,
  leaseMs: number,
): Promise<{ store: Store; log: Logger; queue: Queue }> {
  const store = await openSpec(spec);
  const { root: log } = await createLog({
    level: 'error',
    dir: null,
    stdout: false,
    rotate: { size: 2 ** 20, keep: 1 },
    stdoutStream: process.stderr,
  });
  const queue = new Queue({ store, log, pollMs: 50, leaseMs, maxAttempts: 5, backoff: { baseMs: 10, capMs: 100 } });
  return { store, log, queue };
}
