// `centinela start`: runs the service until SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { runUntilSignal, startService } from '../main.ts';

export async function start(args: string[], configFile: string | undefined): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { only: { type: 'string', multiple: true }, config: { type: 'string' } },
    allowPositionals: true,
  });
  const service = await startService({ configFile, only: values.only, privateFiles: true });
  return runUntilSignal(service);
}
