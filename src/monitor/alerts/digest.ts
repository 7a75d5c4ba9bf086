// The daily digest (alerts.digest): once a day at a time of day in UTC, one message to the admins listing the
// targets repaired in the 24 hours before, with their counts; nothing on a day without repairs. A cron schedule of
// the durable queue runs it, so one process takes each day's tick; the outbox key per day keeps it to one message
// even if a tick were run twice.
import { z } from 'zod';
import { defineQueue } from '../../core/queue/index.ts';
import type { Queue } from '../../core/queue/index.ts';
import type { Store } from '../../core/store/index.ts';
import { repairRunsSince, utcDayStart } from '../incidents/index.ts';
import type { Alerts } from './alerts.ts';

/** The daily digest's ticks, one a day from the schedule of the same name (the schedule keys each tick). */
export const DIGEST_QUEUE = defineQueue({ name: 'monitor.digest', payload: z.null(), key: () => null });
export const DIGEST_SCHEDULE = DIGEST_QUEUE.name;
const DAY_MS = 86_400_000;

/** "HH:MM" (checked by the config schema) as hours and minutes. */
function timeOfDay(time: string): { h: number; m: number } {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match) throw new Error(`alerts.digest must be a time of day as HH:MM in UTC (08:00), not "${time}"`);
  return { h: Number(match[1]), m: Number(match[2]) };
}

/** The digest's time on the latest day it has come at or before `at` (a tick run late still covers its own day). */
export function digestDue(time: string, at: number): number {
  const { h, m } = timeOfDay(time);
  const due = utcDayStart(at) + (h * 60 + m) * 60_000;
  return due > at ? due - DAY_MS : due;
}

/** Queues the digest of the 24 hours before the digest time last come at `at`; false when nothing was repaired. */
export async function sendRepairDigest(store: Store, alerts: Alerts, time: string, at: number): Promise<boolean> {
  const due = digestDue(time, at);
  const runs = await repairRunsSince(store, due - DAY_MS, undefined, due);
  if (runs.length === 0) return false;
  const total = runs.reduce((sum, r) => sum + r.repairs, 0);
  const stamp = new Date(due).toISOString();
  const lines = runs.map((r) => `${r.target} ×${r.repairs}`);
  await alerts.warn(
    [
      `Daily digest: ${total} ${total === 1 ? 'repair' : 'repairs'} in the 24 h to ${stamp.slice(0, 10)} ${stamp.slice(11, 16)} UTC`,
      ...lines,
    ].join('\n'),
    `digest:${stamp.slice(0, 10)}`,
  );
  return true;
}

/** Schedules the daily digest at `time` (HH:MM, UTC) and works its ticks in this process; "" removes the schedule. */
export async function scheduleRepairDigest(queue: Queue, store: Store, alerts: Alerts, time: string): Promise<void> {
  if (time === '') {
    await queue.unschedule(DIGEST_QUEUE);
    return;
  }
  const { h, m } = timeOfDay(time);
  queue.work(DIGEST_QUEUE, async ({ job, log }) => {
    const sent = await sendRepairDigest(store, alerts, time, job.runAt);
    log.debug({ sent }, 'repair digest');
  });
  await queue.schedule(DIGEST_QUEUE, `${m} ${h} * * *`, null, { tz: 'UTC' });
}
