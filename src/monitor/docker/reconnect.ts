// Keeps a stream open across Docker restarts: reconnect with doubling waits, say so once per outage (not once per
// try), and stop promptly when the watch stops.
import type { Logger } from '../../core/log.ts';
import { pause } from '../../core/pause.ts';
import { describeError } from './errors.ts';

export interface RetryOptions {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { baseMs: 500, capMs: 30_000 };

/**
 * Runs `session` again and again until the signal aborts. A session calls `connected()` once its stream is open;
 * one that returns true made progress (it got data), so the next wait starts short again. An error counts as no
 * progress and is logged once per outage; `onDown`/`onUp` mark the outage's start and end.
 */
export async function keepFollowing(o: {
  what: string;
  log: Logger;
  retry: RetryOptions;
  signal: AbortSignal;
  session: (connected: () => void) => Promise<boolean>;
  onDown?: (err: unknown) => void;
  onUp?: () => void;
}): Promise<void> {
  let wait = o.retry.baseMs;
  let failing = false;
  const connected = (): void => {
    if (!failing) return;
    failing = false;
    o.log.info(`${o.what}: connected again`);
    o.onUp?.();
  };
  while (!o.signal.aborted) {
    let progressed = false;
    try {
      progressed = await o.session(connected);
      connected();
    } catch (err) {
      if (o.signal.aborted) break;
      if (!failing) {
        o.log.warn({ error: describeError(err) }, `${o.what}: lost; retrying with backoff`);
        o.onDown?.(err);
      }
      failing = true;
    }
    if (o.signal.aborted) break;
    if (progressed) wait = o.retry.baseMs;
    await pause(wait, o.signal);
    wait = Math.min(o.retry.capMs, wait * 2);
  }
}
