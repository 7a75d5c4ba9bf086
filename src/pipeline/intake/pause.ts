// Intake paused or not, shared by every process through the settings table (/pause, a full disk, the monitor).
import type { Store } from '../../core/store/index.ts';

const KEY = 'intake.paused';

export interface PauseState {
  reason: string;
  since: number;
}

export async function intakePaused(store: Store): Promise<PauseState | null> {
  const row = await store.db.selectFrom('settings').select('value').where('key', '=', KEY).executeTakeFirst();
  return row ? (JSON.parse(row.value) as PauseState) : null;
}

/** Pauses intake; returns false if it was paused already (so callers alert once). */
export async function pauseIntake(store: Store, reason: string): Promise<boolean> {
  const value = JSON.stringify({ reason, since: Date.now() } satisfies PauseState);
  const r = await store.db
    .insertInto('settings')
    .values({ key: KEY, value, updated_at: Date.now() })
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function resumeIntake(store: Store): Promise<boolean> {
  const r = await store.db.deleteFrom('settings').where('key', '=', KEY).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}
