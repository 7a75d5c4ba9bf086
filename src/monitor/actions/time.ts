// Time limits for repairs: a hung chown, Docker call or job must not hang the monitor, so every try races a timer.

export class RepairTimeout extends Error {
  constructor(ms: number) {
    super(`timed out after ${formatMs(ms)}`);
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

/** 1500 → '1.5s', 120000 → '2m': for messages a person reads. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))}s`;
  if (ms < 3_600_000) return `${Number((ms / 60_000).toFixed(1))}m`;
  return `${Number((ms / 3_600_000).toFixed(1))}h`;
}
