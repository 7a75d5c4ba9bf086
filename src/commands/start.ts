// `centinela start`: runs the service until SIGINT/SIGTERM. A second signal exits at once; the leases of
// jobs still running then expire and the jobs run again elsewhere.
import { parseArgs } from 'node:util';
import { startService } from '../main.ts';

export async function start(args: string[], configFile: string | undefined): Promise<number> {
  const { values } = parseArgs({ args, options: { only: { type: 'string', multiple: true }, config: { type: 'string' } }, allowPositionals: true });
  const service = await startService({ configFile, only: values.only });
  const log = service.log.for('main');

  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection (a bug): the service keeps running'));
  process.on('uncaughtException', (err) => {
    log.error({ err }, 'uncaught exception (a bug): exiting so the supervisor restarts a clean process');
    void service.stop('uncaught exception').finally(() => process.exit(1));
  });

  return new Promise<number>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals): void => {
      signals++;
      if (signals > 1) {
        process.stderr.write(`centinela: second ${signal}: exiting now; running jobs will be retried after their lease expires\n`);
        process.exit(130);
      }
      void service.stop(signal).then(() => {
        resolve(0);
        process.exit(0);
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
