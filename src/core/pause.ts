// Waits `ms`, or less when the signal aborts, and never throws: loops that retry with a wait end promptly on stop.
// (node:timers/promises rejects on abort, which every such loop would have to catch.)
import { setTimeout as delay } from 'node:timers/promises';

export async function pause(ms: number, signal: AbortSignal): Promise<void> {
  await delay(ms, undefined, { signal }).catch(() => {});
}
