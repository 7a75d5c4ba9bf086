// Time limits for repairs: a hung chown, Docker call or job must not hang the monitor, so every try races a timer.
import { formatDuration } from '../../core/format.ts';

export class RepairTimeout extends Error {
  constructor(ms: number) {
    super(`timed out after ${formatDuration(ms)}`);
    this.name = 'RepairTimeout';
  }
}

/**
 * Runs `work` with an AbortSignal that fires after `ms`; settles at the deadline even when `work` ignores the signal
 * (a stuck syscall cannot be cancelled: its late result is dropped).
 */
export async function withTimeout<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new RepairTimeout(ms);
      controller.abort(err);
      reject(err);
    }, ms);
  });
  const running = work(controller.signal);
  // A late rejection after the deadline must not become an unhandled rejection.
  running.catch(() => {});
  try {
    return await Promise.race([running, expired]);
  } finally {
    clearTimeout(timer);
  }
}
