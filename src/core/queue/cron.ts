// Cron schedules as rows: node-cron's parser gives the next run time; a compare-and-set on the row decides
// which process enqueues each tick, and the tick's job is inserted in the same transaction, so no tick runs
// twice and none is lost when a process dies between the two.
import { createTask, validateDetailed } from 'node-cron';
import type { Kysely } from 'kysely';
import type { Database } from '../store/index.ts';
import { insertJob } from './jobs.ts';
import type { NewJob } from './jobs.ts';

export interface ScheduleOptions {
  /** IANA time zone for the expression (America/Mexico_City); default the machine's. */
  tz?: string;
  /** The schedule's name (its row, its ticks' keys); default the name of the queue its ticks go to. */
  name?: string;
}

/** Throws a message that says what is wrong with the expression or the zone. */
export function validateSchedule(cron: string, tz?: string): void {
  const check = validateDetailed(cron);
  if (!check.valid) {
    const details = check.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    throw new Error(`invalid cron expression "${cron}": ${details || 'not a cron expression'}`);
  }
  if (tz) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
    } catch {
      throw new Error(`unknown time zone "${tz}": use an IANA name such as America/Mexico_City`);
    }
  }
}

/** The first time after now that matches the expression. */
export function nextRun(cron: string, tz?: string | null): number {
  const task = createTask(cron, () => {}, tz ? { timezone: tz } : {});
  try {
    const next = task.getNextRuns(1)[0]; // getNextRun() answers only for a started task
    if (!next) throw new Error(`cron expression "${cron}" never matches`);
    return next.getTime();
  } finally {
    void task.destroy();
  }
}

export async function upsertSchedule(
  db: Kysely<Database>,
  name: string,
  cron: string,
  queue: string,
  payload: unknown,
  tz: string | undefined,
  now: number,
): Promise<void> {
  validateSchedule(cron, tz);
  const row = { name, queue, cron, tz: tz ?? null, payload: JSON.stringify(payload ?? null) };
  const existing = await db.selectFrom('schedules').selectAll().where('name', '=', name).executeTakeFirst();
  if (
    existing &&
    existing.cron === row.cron &&
    existing.tz === row.tz &&
    existing.queue === row.queue &&
    existing.payload === row.payload
  )
    return;
  const values = { ...row, next_run_at: nextRun(cron, row.tz), updated_at: now };
  await db
    .insertInto('schedules')
    .values(values)
    .onConflict((oc) => oc.column('name').doUpdateSet(values))
    .execute();
}

/**
 * Enqueues the due tick of every schedule. After downtime only one catch-up run is made, then the next
 * tick is computed from now. Returns how many ticks this process enqueued.
 */
export async function enqueueDueTicks(
  db: Kysely<Database>,
  defaults: Omit<NewJob, 'queue' | 'payload' | 'key' | 'runAt'>,
  now: number,
): Promise<number> {
  const due = await db.selectFrom('schedules').selectAll().where('next_run_at', '<=', now).execute();
  let enqueued = 0;
  for (const s of due) {
    const won = await db.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable('schedules')
        .set({ next_run_at: nextRun(s.cron, s.tz), updated_at: now })
        .where('name', '=', s.name)
        .where('next_run_at', '=', s.next_run_at)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return false; // another process took this tick
      const payload = JSON.parse(s.payload) as unknown;
      await insertJob(
        trx,
        { ...defaults, queue: s.queue, payload, key: `cron:${s.name}:${s.next_run_at}`, runAt: s.next_run_at },
        now,
      );
      return true;
    });
    if (won) enqueued++;
  }
  return enqueued;
}
