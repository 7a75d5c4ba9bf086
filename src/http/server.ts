// The local control API (fastify): /healthz for supervisors, /metrics for Prometheus, /status for people and the CLI.
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { isStoreUnavailable } from '../core/store/index.ts';
import type { StatusReport } from '../status.ts';
import { bearerMatches } from './token.ts';

export interface HttpDeps {
  log: Logger;
  token: string;
  registry: Registry;
  /** Problems that make the service unhealthy; empty when healthy. */
  health(): Promise<string[]>;
  /** Parts that do not work though the service does (Telegram intake waiting for the Bot API): 200, status degraded. */
  degraded?(): string[];
  status(): Promise<StatusReport>;
  /** The store's location without credentials, named in 503 answers while it is unreachable. */
  storeLocation?: string;
  /** Routes other modules add (the Telegram webhook), and which of their paths need no bearer token. */
  extraRoutes?: Array<(app: FastifyInstance) => void>;
  publicPaths?: string[];
}

let requestCounter = 0;

export function buildServer(deps: HttpDeps): FastifyInstance {
  const app = Fastify({
    logger: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : `h-${(++requestCounter).toString(36)}`;
    },
  });

  app.addHook('onRequest', async (req, reply) => {
    // The matched route, not req.url: a probe may add a query string (/healthz?source=docker).
    if (req.routeOptions.url === '/healthz' || deps.publicPaths?.includes(req.routeOptions.url ?? '')) return;
    if (!bearerMatches(req.headers.authorization, deps.token)) {
      await reply.code(401).header('www-authenticate', 'Bearer').send({
        error:
          'missing or wrong bearer token: send "Authorization: Bearer <token>" with CENTINELA_API_TOKEN or the token in data/api-token',
      });
    }
  });

  app.addHook('onResponse', async (req, reply) => {
    deps.log.debug(
      {
        request_id: req.id,
        method: req.method,
        url: req.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'http request',
    );
  });

  app.setErrorHandler(async (err: Error & { statusCode?: number }, req, reply) => {
    if (isStoreUnavailable(err)) {
      // An outage, not a bug: the client may send the same request again once the store answers.
      deps.log.warn(
        { request_id: req.id, url: req.url, error: err.message },
        'http request refused: the store is unreachable',
      );
      const store = deps.storeLocation ? ` (${deps.storeLocation})` : '';
      return reply
        .code(503)
        .header('retry-after', '5')
        .send({
          error: `the store${store} is unreachable; nothing of this request was kept: send it again in a few seconds`,
          request_id: req.id,
        });
    }
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) deps.log.error({ err, request_id: req.id, url: req.url }, 'http request failed');
    await reply
      .code(status)
      .send({ error: status >= 500 ? 'internal error; see the service log' : err.message, request_id: req.id });
  });

  app.setNotFoundHandler(async (req, reply) => {
    await reply.code(404).send({ error: `no route ${req.method} ${req.url}; see the README for the control API` });
  });

  app.get('/healthz', async (_req, reply) => {
    const problems = await deps.health();
    const degraded = deps.degraded?.() ?? [];
    if (problems.length === 0) return degraded.length === 0 ? { status: 'ok' } : { status: 'degraded', degraded };
    return reply.code(503).send({ status: 'unavailable', problems });
  });

  app.get('/metrics', async (_req, reply) => {
    const text = await deps.registry.metrics();
    return reply.type(deps.registry.contentType).send(text);
  });

  app.get('/status', async () => deps.status());
  for (const register of deps.extraRoutes ?? []) register(app);

  return app;
}
