// A container's log into the monitor's rules: followed from the stored checkpoint, joined into records like a
// file's (a stack trace is one record), handed on in batches, the checkpoint moved only after the batch was taken
// (at least once) and never past a line still held in a record, and reopened when the container restarts.
import type { Logger } from '../../core/log.ts';
import type { LogRecord } from '../types.ts';
import type { LogCheckpoints } from './checkpoints.ts';
import type { DockerEngine } from './engine.ts';
import { ContainerRecords } from './log-records.ts';
import { keepFollowing } from './reconnect.ts';
import type { RetryOptions } from './reconnect.ts';
import { msToNs } from './timestamps.ts';

export interface LogFollowerOptions {
  engine: () => Promise<DockerEngine>;
  container: string;
  checkpoints: LogCheckpoints;
  log: Logger;
  retry: RetryOptions;
  /** A line matching this starts a record; others join the one before (monitor.multiline_start, or the container's). */
  multilineStart: RegExp;
  /** A record is cut at this length (monitor.max_line_bytes). */
  maxRecordChars: number;
  /** A held record is handed on after this long without a new line; default 50 ms, as the tailer. */
  idleFlushMs?: number;
  onRecords(records: LogRecord[]): Promise<void>;
}

export function followLogs(o: LogFollowerOptions, signal: AbortSignal): Promise<void> {
  return keepFollowing({
    what: `log of container ${o.container}`,
    log: o.log,
    retry: o.retry,
    signal,
    session: async (connected) => {
      const engine = await o.engine();
      const stored = await o.checkpoints.get(o.container);
      // First time: from now on (an old container's whole history is not news), remembered at once.
      let since = stored ?? msToNs(Date.now());
      if (stored === null) await o.checkpoints.set(o.container, since);
      const info = await engine.describe(o.container);
      if (info.status === 'missing') throw new Error(`there is no container named ${o.container}`);
      const batches = await engine.logs(o.container, { sinceNs: since, tty: info.tty, signal });
      connected();
      // Docker's `since` includes the line at the checkpoint itself: already handed on.
      const floor = since;
      const joiner = new ContainerRecords(o.container, o.multilineStart, o.maxRecordChars);
      let progressed = false;
      const deliver = async (records: LogRecord[]): Promise<void> => {
        if (records.length > 0) await o.onRecords(records);
        const next = joiner.checkpoint();
        if (next > since) {
          since = next;
          await o.checkpoints.set(o.container, since);
        }
      };
      const lines = batches[Symbol.asyncIterator]();
      let next = lines.next();
      try {
        for (;;) {
          // While a record is held, wait for more lines only up to the idle time: a traceback comes in one write.
          const got = joiner.holding ? await within(next, o.idleFlushMs ?? 50) : await next;
          if (got === IDLE) {
            await deliver(joiner.flush());
            continue;
          }
          if (got.done) break;
          next = lines.next();
          const fresh = got.value.filter((l) => l.ns > floor);
          if (fresh.length === 0) continue;
          progressed = true;
          await deliver(joiner.push(fresh));
        }
      } finally {
        // Not awaited: a read still pending would hold the return until the stream moves (it ends with the signal).
        next.catch(() => {});
        void lines.return?.(undefined)?.catch(() => {});
      }
      await deliver(joiner.flush());
      return progressed;
    },
  });
}

const IDLE = Symbol('idle');

/** The promise's value, or IDLE if it takes longer than `ms` (the promise is left to be awaited again). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof IDLE> {
  let timer: NodeJS.Timeout | undefined;
  const idle = new Promise<typeof IDLE>((resolve) => (timer = setTimeout(() => resolve(IDLE), ms)));
  try {
    return await Promise.race([promise, idle]);
  } finally {
    clearTimeout(timer);
  }
}
