// A container's log into the monitor's rules: followed from the stored checkpoint, handed on in batches, the
// checkpoint moved only after the batch was taken (at least once), and reopened when the container restarts.
import type { Logger } from '../../core/log.ts';
import type { LogRecord } from '../types.ts';
import type { LogCheckpoints } from './checkpoints.ts';
import type { DockerEngine } from './engine.ts';
import type { ContainerLogLine } from './frames.ts';
import { keepFollowing } from './reconnect.ts';
import type { RetryOptions } from './reconnect.ts';
import { msToNs } from './timestamps.ts';

export interface LogFollowerOptions {
  engine: () => Promise<DockerEngine>;
  container: string;
  checkpoints: LogCheckpoints;
  log: Logger;
  retry: RetryOptions;
  onRecords(records: LogRecord[]): Promise<void>;
}

export function toRecord(container: string, line: ContainerLogLine): LogRecord {
  let json: Record<string, unknown> | null = null;
  if (line.text.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(line.text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
    } catch {
      // Not JSON after all: matched as text.
    }
  }
  return { source: `docker:${container}`, text: line.text, json };
}

export function followLogs(o: LogFollowerOptions, signal: AbortSignal): Promise<void> {
  return keepFollowing({
    what: `log of container ${o.container}`,
    log: o.log,
    retry: o.retry,
    signal,
    session: async (connected) => {
      const engine = await o.engine();
      let since = await o.checkpoints.get(o.container);
      if (since === null) {
        // First time: from now on (an old container's whole history is not news), remembered at once.
        since = msToNs(Date.now());
        await o.checkpoints.set(o.container, since);
      }
      const info = await engine.describe(o.container);
      if (info.status === 'missing') throw new Error(`there is no container named ${o.container}`);
      const batches = await engine.logs(o.container, { sinceNs: since, tty: info.tty, signal });
      connected();
      // Docker's `since` includes the line at the checkpoint itself: already handed on.
      const floor = since;
      let progressed = false;
      for await (const batch of batches) {
        const fresh = batch.filter((l) => l.ns > floor);
        if (fresh.length === 0) continue;
        await o.onRecords(fresh.map((l) => toRecord(o.container, l)));
        since = fresh.reduce((max, l) => (l.ns > max ? l.ns : max), since);
        await o.checkpoints.set(o.container, since);
        progressed = true;
      }
      return progressed;
    },
  });
}
