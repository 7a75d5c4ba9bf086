// Docker's event stream, so that a container that dies, is OOM-killed or turns unhealthy is an incident at once
// instead of at the next periodic check. A die right after a kill is someone's stop or restart, not a crash: the
// periodic check still catches a container that stays down.
import type { Logger } from '../../core/log.ts';
import type { CheckResult } from '../types.ts';
import type { DockerEngine } from './engine.ts';
import { containerDown, containerUnhealthy, dockerReachable, dockerUnreachable } from './findings.ts';
import type { WatchedContainer } from './findings.ts';
import { unreachableReason } from './errors.ts';
import { keepFollowing } from './reconnect.ts';
import type { RetryOptions } from './reconnect.ts';
import type { DockerEvent } from './wire.ts';

/** How long after a kill (docker stop / restart) a die is taken as that stop. */
const KILL_EXPLAINS_DIE_MS = 30_000;
/** An OOM is followed by its die; the die adds nothing. */
const OOM_EXPLAINS_DIE_MS = 10_000;

export interface EventFollowerOptions {
  engine: () => Promise<DockerEngine>;
  socket: string;
  containers: WatchedContainer[];
  log: Logger;
  retry: RetryOptions;
  onResults(results: CheckResult[]): Promise<void>;
}

export function followEvents(o: EventFollowerOptions, signal: AbortSignal): Promise<void> {
  const byName = new Map(o.containers.map((c) => [c.name, c]));
  const kills = new Map<string, number>();
  const ooms = new Map<string, number>();
  // Events already handled, by time, container and action: a reconnect asks from the last event's second, so
  // Docker replays up to a second of them. (timeNano alone cannot tell events apart: JSON's doubles round it.)
  const seen = new Map<string, number>();
  let lastAt: number | null = null;
  const firstTime = (ev: DockerEvent): boolean => {
    const key = `${ev.timeNano}|${ev.id}|${ev.action}`;
    if (seen.has(key)) return false;
    seen.set(key, ev.at);
    if (seen.size > 1000) for (const [k, at] of seen) if (at < ev.at - 5_000) seen.delete(k);
    return true;
  };

  const deliver = async (results: CheckResult[]): Promise<void> => {
    if (results.length === 0) return;
    try {
      await o.onResults(results);
    } catch (err) {
      o.log.error({ err }, 'handling a Docker event failed');
    }
  };

  const verdict = (c: WatchedContainer, ev: DockerEvent): CheckResult | null => {
    const fields = { event: ev.action.split(':')[0] ?? ev.action, event_at: new Date(ev.at).toISOString() };
    if (ev.action === 'kill') kills.set(c.name, ev.at);
    if (ev.action === 'oom') {
      ooms.set(c.name, ev.at);
      return containerDown(c, 'was killed for lack of memory (OOM): raise its memory limit or find the leak', fields);
    }
    if (ev.action === 'die') {
      const kill = kills.get(c.name);
      const oom = ooms.get(c.name);
      kills.delete(c.name);
      ooms.delete(c.name);
      if (kill !== undefined && ev.at - kill <= KILL_EXPLAINS_DIE_MS) return null;
      if (oom !== undefined && ev.at - oom <= OOM_EXPLAINS_DIE_MS) return null;
      const code = ev.attributes.exitCode ?? '?';
      return containerDown(c, `exited with code ${code}`, { ...fields, exit_code: code });
    }
    if (ev.action.startsWith('health_status') && ev.action.endsWith('unhealthy')) {
      return containerUnhealthy(c, 'turned unhealthy: its health check fails', fields);
    }
    return null;
  };

  return keepFollowing({
    what: 'Docker events',
    log: o.log,
    retry: o.retry,
    signal,
    onDown: (err) => {
      const why = unreachableReason(err);
      if (why) void deliver([dockerUnreachable(o.socket, why)]);
    },
    onUp: () => void deliver([dockerReachable(o.socket)]),
    session: async (connected) => {
      const engine = await o.engine();
      // After a reconnect, ask for what happened while the stream was down; skip what was already seen.
      const stream = await engine.events({ sinceMs: lastAt, containers: [...byName.keys()], signal });
      connected();
      let progressed = false;
      try {
        for await (const ev of stream) {
          if (!firstTime(ev)) continue;
          lastAt = Math.max(lastAt ?? 0, ev.at);
          progressed = true;
          const c = byName.get(ev.container);
          const result = c ? verdict(c, ev) : null;
          if (result) await deliver([result]);
        }
      } finally {
        // Quiet until the stream broke: the replay after reconnecting starts from the break.
        lastAt ??= Date.now();
      }
      return progressed;
    },
  });
}
