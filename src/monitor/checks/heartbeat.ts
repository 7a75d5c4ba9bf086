// Heartbeat check: every module of every process writes a heartbeat row; one that has not beaten for
// monitor.heartbeat_stale means that process died or hangs. A module that stopped cleanly said so ('stopped').
import { readHeartbeats } from '../../core/heartbeat.ts';
import type { ProcessBeat } from '../../core/heartbeat.ts';
import type { Store } from '../../core/store/index.ts';
import type { Check, CheckResult } from '../types.ts';
import { healthy, problem } from './result.ts';
import { formatDuration } from '../../core/format.ts';

export interface HeartbeatCheckOptions {
  store: Store;
  staleMs: number;
  intervalMs: number;
  now?: () => number;
}

export function heartbeatCheck(o: HeartbeatCheckOptions): Check {
  const now = o.now ?? Date.now;
  return {
    id: 'heartbeat',
    intervalMs: o.intervalMs,
    async run() {
      // A restarted process writes a new row (new pid); the newest row of module@host is the one that counts.
      const newest = new Map<string, ProcessBeat>();
      for (const beat of await readHeartbeats(o.store)) {
        const key = `${beat.module}@${beat.host}`;
        const seen = newest.get(key);
        if (!seen || beat.beatAt > seen.beatAt) newest.set(key, beat);
      }
      const at = now();
      const results: CheckResult[] = [];
      for (const [target, beat] of newest) {
        const age = at - beat.beatAt;
        if (beat.state === 'stopped' || age <= o.staleMs) {
          results.push(healthy('heartbeat', target));
          continue;
        }
        results.push(
          problem({
            rule: 'heartbeat',
            errorType: 'heartbeat_stale',
            severity: 'critical',
            target,
            message: `${beat.module} on ${beat.host} (pid ${beat.pid}) has not written a heartbeat for ${formatDuration(age)} (limit ${formatDuration(o.staleMs)}): the process died or hangs`,
            fields: {
              module: beat.module,
              host: beat.host,
              pid: String(beat.pid),
              last_beat_at: new Date(beat.beatAt).toISOString(),
            },
          }),
        );
      }
      return results;
    },
  };
}
