// Long polling that outlives outages. @grammyjs/runner's own fetcher doubles its wait without a cap (and grammY's
// auto-retry, when it wraps getUpdates, doubles up to an hour), and a poll may hang for grammY's 500 s client
// timeout. Here each poll has a client timeout a little above its long-poll timeout, a failure waits at most
// RETRY_CAP_MS (Telegram's retry_after when it names one), and only 401 and 409 stop polling: those will not
// get better by asking again. The first poll, and the first after a failure, does not wait for updates
// (timeout 0): its answer tells at once that Telegram answers. Updates still go through the runner's sink.
import { createConcurrentSink, createRunner, createSource } from '@grammyjs/runner';
import type { RunnerHandle, UpdateSupplier } from '@grammyjs/runner';
import { GrammyError } from 'grammy';
import type { Api, Bot } from 'grammy';
import type { Update } from 'grammy/types';
import { pause } from '../core/pause.ts';

/** The longest wait between two failed polls, so that polling is back within this long once the server answers. */
export const RETRY_CAP_MS = 3000;
const RETRY_FIRST_MS = 250;
/** A poll may take this much longer than its long-poll timeout before it is cut. */
export const POLL_GRACE_SECONDS = 5;
/**
 * The next poll confirms the updates before it (its offset), so it waits for their handlers first: an update is
 * confirmed once it is recorded, and a process killed in between gets it again at its restart (handlers are
 * idempotent: a file is recorded once per update_id). A handler slower than this no longer holds polling back.
 */
export const CONFIRM_WAIT_MS = 10_000;

type GrammySignal = Parameters<Api['getUpdates']>[1];

export interface PollingOptions {
  /** grammY's Api without auto-retry: this loop owns the retries of getUpdates. */
  api: Api;
  bot: Bot;
  timeoutSeconds: number;
  allowedUpdates: readonly string[];
  /** A poll came back: Telegram answers. */
  onPoll(): void;
  /** A poll failed and will be tried again after `retryInMs`. */
  onPollFailed(err: unknown, failures: number, retryInMs: number): void;
}

/** 401 (wrong token) and 409 (another poller or a webhook): asking again does not help. */
export function isFinal(err: unknown): boolean {
  return err instanceof GrammyError && (err.error_code === 401 || err.error_code === 409);
}

/** How long to wait after the n-th failure in a row: Telegram's retry_after, else doubling from 250 ms up to 3 s. */
export function retryDelayMs(err: unknown, failures: number): number {
  const retryAfter = err instanceof GrammyError ? err.parameters.retry_after : undefined;
  if (typeof retryAfter === 'number') return retryAfter * 1000;
  return Math.min(RETRY_CAP_MS, RETRY_FIRST_MS * 2 ** Math.max(0, failures - 1));
}

export function startPolling(o: PollingOptions): RunnerHandle {
  let offset = 0;
  let confirmed = false;
  /** Handlers of fetched updates still running: the next poll's offset would confirm their updates. */
  const handling = new Set<Promise<unknown>>();
  const handled = async (signal: AbortSignal): Promise<void> => {
    if (handling.size === 0) return;
    const wait = new AbortController();
    const stop = (): void => wait.abort();
    signal.addEventListener('abort', stop, { once: true });
    try {
      await Promise.race([Promise.allSettled([...handling]), pause(CONFIRM_WAIT_MS, wait.signal)]);
    } finally {
      signal.removeEventListener('abort', stop);
      wait.abort();
    }
  };
  const fetchUpdates = async (batchSize: number, runnerSignal: AbortSignal): Promise<Update[]> => {
    // The runner's signal comes from the abort-controller polyfill: Node's AbortSignal.any does not take it.
    const stop = new AbortController();
    const abort = (): void => stop.abort();
    if (runnerSignal.aborted) abort();
    else runnerSignal.addEventListener('abort', abort, { once: true });
    try {
      await handled(stop.signal);
      return await poll(batchSize, stop.signal);
    } finally {
      runnerSignal.removeEventListener('abort', abort);
    }
  };
  const poll = async (batchSize: number, signal: AbortSignal): Promise<Update[]> => {
    for (let failures = 0; ; ) {
      try {
        const timeout = confirmed ? o.timeoutSeconds : 0;
        const cut = AbortSignal.any([signal, AbortSignal.timeout((timeout + POLL_GRACE_SECONDS) * 1000)]);
        const updates = await o.api.getUpdates(
          {
            offset,
            limit: Math.max(1, Math.min(batchSize, 100)),
            timeout,
            allowed_updates: [...o.allowedUpdates] as never,
          },
          cut as unknown as GrammySignal,
        );
        confirmed = true;
        o.onPoll();
        const last = updates.at(-1)?.update_id;
        if (last !== undefined) offset = last + 1;
        return updates;
      } catch (err) {
        if (signal.aborted || isFinal(err)) throw err;
        failures++;
        confirmed = false;
        const wait = retryDelayMs(err, failures);
        o.onPollFailed(err, failures, wait);
        await pause(wait, signal);
        if (signal.aborted) throw err;
      }
    }
  };
  // The runner types its signal with the abort-controller shim; at run time it is Node's AbortSignal.
  const source = createSource({ supply: fetchUpdates as unknown as UpdateSupplier<Update>['supply'] });
  const consume = (update: Update): Promise<void> => {
    const handler = o.bot.handleUpdate(update);
    handling.add(handler);
    void handler.then(
      () => handling.delete(handler),
      () => handling.delete(handler),
    );
    return handler;
  };
  const sink = createConcurrentSink<Update>({ consume }, async (error) => {
    await Promise.resolve(o.bot.errorHandler(error as never)).catch(() => {});
  });
  const runner = createRunner(source, sink);
  runner.start();
  // The last updates handled are confirmed by a poll that will not come once polling stops: confirm them on the way
  // out (a stop takes handlers to their end first), or the next start would handle them again.
  const confirmHandled = async (): Promise<void> => {
    if (offset === 0) return;
    const cut = AbortSignal.timeout(POLL_GRACE_SECONDS * 1000);
    await o.api.getUpdates({ offset, limit: 1, timeout: 0 }, cut as unknown as GrammySignal).catch(() => {});
  };
  return {
    ...runner,
    stop: async () => {
      await runner.stop();
      await confirmHandled();
    },
  };
}
