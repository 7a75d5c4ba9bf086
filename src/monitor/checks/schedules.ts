// Overdue schedules: a cron schedule whose tick has not been taken for a whole interval past its due time (so it
// has not run for twice its interval) means no process is running the queue's maintenance.
import { createTask } from 'node-cron';
import { JobRecords } from '../../core/queue/index.ts';
import type { Store } from '../../core/store/index.ts';
import type { CheckResult } from '../types.ts';
import { healthy, problem } from './result.ts';
import { formatDuration } from '../../core/format.ts';

/** A schedule that runs every few seconds would flap on ordinary polling delays. */
const MIN_GRACE_MS = 60_000;

const intervals = new Map<string, number>();

/** The time between two runs of the expression, from its next two runs (irregular expressions: the next gap). */
function cronIntervalMs(cron: string, tz: string | null): number {
  const key = `${cron}|${tz ?? ''}`;
  const known = intervals.get(key);
  if (known !== undefined) return known;
  const task = createTask(cron, () => {}, tz ? { timezone: tz } : {});
  try {
    const [a, b] = task.getNextRuns(2);
    const ms = a && b ? b.getTime() - a.getTime() : MIN_GRACE_MS;
    intervals.set(key, ms);
    return ms;
  } finally {
    void task.destroy();
  }
}

export async function overdueSchedules(store: Store, now: number): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const s of await new JobRecords(store).schedules()) {
    const nextRunAt = s.nextRunAt;
    let interval: number;
    try {
      interval = cronIntervalMs(s.cron, s.tz);
    } catch {
      interval = MIN_GRACE_MS; // a row written by a newer version with an expression this one cannot read
    }
    const late = now - nextRunAt;
    if (late <= Math.max(interval, MIN_GRACE_MS)) {
      results.push(healthy('schedule_overdue', s.name));
      continue;
    }
    results.push(
      problem({
        rule: 'schedule_overdue',
        errorType: 'schedule_overdue',
        severity: 'warning',
        target: s.name,
        message: `schedule ${s.name} (${s.cron}) was due ${formatDuration(late)} ago and has not run: no process is running the queue, or it is stuck`,
        fields: { schedule: s.name, queue: s.queue, due_at: new Date(nextRunAt).toISOString() },
      }),
    );
  }
  return results;
}
