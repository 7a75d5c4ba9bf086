// A service for shutdown tests: the real startService() (config from cwd and environment, like `centinela start`)
// plus a worker on queue 'test.slow'. Its handler writes <cwd>/started-<id>, waits payload.ms (aborted by the
// job's signal), then writes <cwd>/finished-<id>; with payload.fail it throws instead, so a job can end dead.
// Each file holds the pid of the process that ran the job.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HandlerContext } from '../../src/core/queue/index.ts';
import { SLOW_QUEUE } from './slow-queue.ts';
import type { SlowPayload } from './slow-queue.ts';

// Same as bin/centinela.js: node:sqlite's ExperimentalWarning would only clutter stderr. The service is imported
// after this, dynamically, because static imports would load node:sqlite before the filter is in place.
const emitWarning = process.emitWarning;
process.emitWarning = function (warning: string | Error, ...rest: unknown[]): void {
  if (String(warning).startsWith('SQLite is an experimental feature')) return;
  return (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
} as typeof process.emitWarning;

const { runUntilSignal, startService } = await import('../../src/main.ts');

const service = await startService();
service.queue.work(SLOW_QUEUE, async ({ job, signal, heartbeat }: HandlerContext<SlowPayload>) => {
  writeFileSync(join(process.cwd(), `started-${job.id}`), `${process.pid}\n`);
  // Long jobs extend their lease, so tests may use short leases; a lost lease aborts `signal`.
  const beat = setInterval(() => void heartbeat().catch(() => {}), 250);
  try {
    await sleep(job.payload.ms, undefined, { signal });
  } finally {
    clearInterval(beat);
  }
  if (job.payload.fail) throw new Error(job.payload.fail);
  writeFileSync(join(process.cwd(), `finished-${job.id}`), `${process.pid}\n`);
});
await runUntilSignal(service);
