// Store check: pings the store every few seconds. While it is unreachable nothing can be recorded (incidents live
// in the store), so the outage is remembered here and raised once the store answers again, with how long it lasted;
// the next run resolves it. Workers, uploads and /healthz ride out the outage on their own (see the queue's worker).
import type { Store } from '../../core/store/index.ts';
import type { Check, CheckResult } from '../types.ts';
import { healthy, problem } from './result.ts';
import { formatDuration } from '../../core/format.ts';

export interface StoreCheckOptions {
  store: Store;
  intervalMs: number;
  now?: () => number;
}

export function storeCheck(o: StoreCheckOptions): Check {
  const now = o.now ?? Date.now;
  const target = `${o.store.kind} ${o.store.location}`;
  let down: { since: number; error: string } | null = null;
  return {
    id: 'store',
    intervalMs: o.intervalMs,
    async run(): Promise<CheckResult[]> {
      try {
        await o.store.ping();
      } catch (err) {
        down ??= { since: now(), error: (err as Error).message };
        return [];
      }
      if (!down) return [healthy('store', target)];
      const { since, error } = down;
      down = null;
      const lasted = formatDuration(now() - since);
      return [
        problem({
          rule: 'store',
          errorType: 'store_unreachable',
          severity: 'critical',
          target,
          message: `the store ${target} was unreachable for about ${lasted} (${error}); it answers again and work has resumed`,
          fields: { store: target, since: new Date(since).toISOString(), error },
        }),
      ];
    },
  };
}
