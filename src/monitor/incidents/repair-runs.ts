// How often targets were repaired: the first attempt of each repair (its later attempts are the same repair), read
// from incident events. For the "repaired N times today" warning and for /status.
import { withTables } from '../../core/store/index.ts';
import type { Store } from '../../core/store/index.ts';
import type { IncidentTables } from './tables.ts';

export interface RepairRuns {
  target: string;
  repairs: number;
}

/** Repairs started since `since` (ms) and before `until` if given, by target, most first; only `target`'s when given. */
export async function repairRunsSince(
  store: Store,
  since: number,
  target?: string,
  until?: number,
): Promise<RepairRuns[]> {
  const db = withTables<IncidentTables>(store);
  let q = db
    .selectFrom('incident_events as e')
    .innerJoin('incidents as i', 'i.id', 'e.incident_id')
    .select((eb) => ['i.target', eb.fn.countAll<number>().as('n')])
    .where('e.state', '=', 'retrying')
    .where('e.at', '>=', since)
    .where((eb) => eb.or([eb('e.detail', 'like', '% attempt 1/%'), eb('e.detail', 'like', '% attempt 1')]))
    .groupBy('i.target');
  if (target !== undefined) q = q.where('i.target', '=', target);
  if (until !== undefined) q = q.where('e.at', '<', until);
  const rows = await q.execute();
  return rows
    .map((r) => ({ target: r.target, repairs: Number(r.n) }))
    .sort((a, b) => b.repairs - a.repairs || a.target.localeCompare(b.target));
}

/** Midnight UTC of the day `now` falls in: "today" for repair counts. */
export function utcDayStart(now: number): number {
  return Date.parse(`${new Date(now).toISOString().slice(0, 10)}T00:00:00Z`);
}
