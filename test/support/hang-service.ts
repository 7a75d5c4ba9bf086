// A service whose event loop can be hung on demand, for the systemd watchdog test: the real startService() and
// runUntilSignal(), as `centinela start` runs them, plus a SIGUSR2 handler that writes <cwd>/hung and then blocks
// the main thread for a minute (a handler stuck in a synchronous loop, as a real hang would be).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const emitWarning = process.emitWarning;
process.emitWarning = function (warning: string | Error, ...rest: unknown[]): void {
  if (String(warning).startsWith('SQLite is an experimental feature')) return;
  return (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
} as typeof process.emitWarning;

const { runUntilSignal, startService } = await import('../../src/main.ts');

const service = await startService();
process.on('SIGUSR2', () => {
  writeFileSync(join(process.cwd(), 'hung'), `${process.pid}\n`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
});
await runUntilSignal(service);
