// A process that starts on a host gives back the jobs its host's earlier, dead processes still hold, instead of
// waiting out their leases (a minute by default): a restart picks its own work up in seconds. A worker counts as
// dead only when both say so: its heartbeat stopped (every row of it stopped or silent) and its pid is gone here
// (or is our own pid: an earlier process of a container that restarted). Other hosts' leases expire as usual.
import { hostName } from '../host.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../store/index.ts';
import { processAlive } from '../process-alive.ts';
import { abandonedJob } from './jobs.ts';

/** A heartbeat older than this has stopped: two beat intervals (core/heartbeat.ts beats every 2 s). */
export const DEAD_AFTER_MS = 4_000;

/** Returns the jobs of this host's dead workers to the queue (or to dead, out of attempts); the workers released. */
export async function releaseDeadWorkersOnHost(
  db: Kysely<Database>,
  me: string,
  now: number,
  running: (pid: number) => boolean = processAlive,
): Promise<Array<{ worker: string; jobs: number }>> {
  const host = hostName();
  const prefix = `${host}:`;
  // Few distinct workers hold jobs at a time: filtering them here keeps LIKE and its escaping out of the SQL.
  const holders = await db
    .selectFrom('jobs')
    .select('worker')
    .distinct()
    .where('state', '=', 'active')
    .where('worker', '<>', me)
    .execute();
  const released: Array<{ worker: string; jobs: number }> = [];
  for (const { worker } of holders) {
    if (!worker?.startsWith(prefix)) continue;
    const pid = Number(worker.slice(prefix.length).split(':')[0]);
    if (pid !== process.pid && running(pid)) continue;
    const rows = await db
      .selectFrom('heartbeats')
      .select(['id', 'state', 'beat_at'])
      .where('host', '=', host)
      .where('pid', '=', pid)
      .execute();
    const beats = rows.filter((b) => b.id.startsWith(`${worker}:`));
    // No heartbeat at all: not a service process (a tool, a test) or one that died before its first beat: its lease decides.
    if (beats.length === 0) continue;
    if (beats.some((b) => b.state !== 'stopped' && b.beat_at > now - DEAD_AFTER_MS)) continue;
    const r = await db
      .updateTable('jobs')
      .set({
        ...abandonedJob(now, `its process (${worker}) died on this host; released at the start of another`),
        run_at: now,
      })
      .where('state', '=', 'active')
      .where('worker', '=', worker)
      .executeTakeFirst();
    const jobs = Number(r.numUpdatedRows);
    if (jobs > 0) released.push({ worker, jobs });
  }
  return released;
}
