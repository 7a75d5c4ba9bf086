// `centinela start`: runs the service until SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { collectStartUpGarbage } from '../core/start-up-garbage.ts';
import { runUntilSignal, startService } from '../main.ts';

/** 128 + the signal's number: what a shell reports for a process the signal ended. */
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

export async function start(args: string[], configFile: string | undefined): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { only: { type: 'string', multiple: true }, config: { type: 'string' } },
    allowPositionals: true,
  });
  // Until start-up completes, a signal ends the start at once, as the default action does. Our own handlers, because
  // as PID 1 (in a container) there is no default action: `docker stop` during a long start (a database that does
  // not answer yet) would wait for its SIGKILL.
  const early = (signal: keyof typeof SIGNAL_EXIT): void => {
    process.stderr.write(`centinela: ${signal} during start-up: exiting\n`);
    process.exit(SIGNAL_EXIT[signal]);
  };
  process.on('SIGINT', early);
  process.on('SIGTERM', early);
  const service = await startService({ configFile, only: values.only, privateFiles: true });
  process.off('SIGINT', early);
  process.off('SIGTERM', early);
  collectStartUpGarbage();
  return runUntilSignal(service);
}
