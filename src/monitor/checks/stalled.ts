// Stalled stages: a queue with due work waiting and no job claimed, extended or finished for monitor.stalled_after
// (nobody works on it, or its worker hangs), and cron schedules that stopped ticking.
import { JobRecords } from '../../core/queue/index.ts';
import type { Queue } from '../../core/queue/index.ts';
import type { Store } from '../../core/store/index.ts';
import type { Check, CheckResult } from '../types.ts';
import { healthy, problem } from './result.ts';
import { overdueSchedules } from './schedules.ts';
import { formatDuration } from '../../core/format.ts';

export interface StalledCheckOptions {
  store: Store;
  queue: Queue;
  stalledMs: number;
  intervalMs: number;
  now?: () => number;
}

export function stalledCheck(o: StalledCheckOptions): Check {
  const now = o.now ?? Date.now;
  return {
    id: 'queue_stalled',
    intervalMs: o.intervalMs,
    async run() {
      const at = now();
      // stats() names every queue this process works plus every queue with jobs, so a queue that recovered resolves.
      const [stats, activity] = await Promise.all([o.queue.stats(), new JobRecords(o.store).activity(at)]);
      const names = new Set([...stats.map((s) => s.queue), ...activity.keys()]);
      const results: CheckResult[] = [];
      for (const name of [...names].sort()) {
        const a = activity.get(name);
        const waitedMs = a ? at - a.oldestDue : 0;
        const idleMs = a?.lastProgress == null ? Infinity : at - a.lastProgress;
        if (!a || waitedMs < o.stalledMs || idleMs < o.stalledMs) {
          results.push(healthy('queue_stalled', name));
          continue;
        }
        const progress =
          a.lastProgress == null
            ? 'no job of it has ever been worked on'
            : `the last progress was ${formatDuration(idleMs)} ago`;
        results.push(
          problem({
            rule: 'queue_stalled',
            errorType: 'queue_stalled',
            severity: 'warning',
            target: name,
            message: `queue ${name} has ${a.waiting} job(s) waiting, the oldest for ${formatDuration(waitedMs)}, and ${progress}: its worker is not running or hangs`,
            fields: {
              queue: name,
              waiting: String(a.waiting),
              oldest_waiting_seconds: String(Math.round(waitedMs / 1000)),
            },
          }),
        );
      }
      return [...results, ...(await overdueSchedules(o.store, at))];
    },
  };
}
