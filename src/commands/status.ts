// `centinela status`: asks the running service; if none answers, reads the store and says the service is down.
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config.ts';
// The token file alone: http/index.ts would load fastify, which status never needs (test/cli/startup.test.ts).
// eslint-disable-next-line no-restricted-imports
import { readApiToken } from '../http/token.ts';
import { pricesFrom } from '../pipeline/invoices/index.ts';
import { buildStatus, formatStatus } from '../status.ts';
import type { StatusReport } from '../status.ts';
import { serviceUrl } from './service-url.ts';

export const SERVICE_DOWN_EXIT_CODE = 3;

export async function status(args: string[], configFile: string | undefined): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { json: { type: 'boolean' }, config: { type: 'string' } },
    allowPositionals: true,
  });
  const { config, secrets } = loadConfig({ file: configFile });
  const token = secrets.CENTINELA_API_TOKEN ?? readApiToken(config.paths.data);
  const url = `${serviceUrl(config.http.host, config.http.port)}/status`;
  let report: StatusReport | null = null;
  let why = '';
  try {
    const res = await fetch(url, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(3000),
    });
    if (res.status === 401) {
      why = `the service at ${url} refused the token: set CENTINELA_API_TOKEN to the service's token or run this where data/api-token is readable`;
    } else if (!res.ok) why = `the service at ${url} answered ${res.status}`;
    else report = (await res.json()) as StatusReport;
  } catch (err) {
    why = `nothing answers at ${url} (${(err as Error).cause ? ((err as Error).cause as Error).message : (err as Error).message})`;
  }
  if (!report) {
    // Only when no service answers: the store and its modules are not loaded otherwise.
    const { openContext } = await import('./context.ts');
    const ctx = await openContext(configFile);
    try {
      report = await buildStatus({
        store: ctx.store,
        queueStats: () => ctx.queue.stats(),
        modules: [],
        startedAt: null,
        diskPaths: [config.paths.data, config.paths.media, config.paths.logs],
        log: { file: null, problem: null },
        prices: pricesFrom(config),
      });
    } finally {
      await ctx.close();
    }
  }
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  // The running service's report may not price tokens: this config's prices do.
  else process.stdout.write(`${formatStatus(report, { prices: pricesFrom(config) })}\n${why ? `(${why})\n` : ''}`);
  return report.running ? 0 : SERVICE_DOWN_EXIT_CODE;
}
