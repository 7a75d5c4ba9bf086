// The control API as a module of the service.
import type { FastifyInstance } from 'fastify';
import type { Module, ModuleStatus } from '../core/module.ts';
import { buildServer } from './server.ts';
import type { HttpDeps } from './server.ts';

export { loadOrCreateApiToken, readApiToken, apiTokenFile, bearerMatches } from './token.ts';
export type { HttpDeps } from './server.ts';

export class HttpModule implements Module {
  readonly name = 'http';
  readonly #deps: HttpDeps;
  readonly #host: string;
  readonly #port: number;
  #server: FastifyInstance | null = null;
  #address = '';
  #state: ModuleStatus = { state: 'starting' };

  constructor(deps: HttpDeps, listen: { host: string; port: number }) {
    this.#deps = deps;
    this.#host = listen.host;
    this.#port = listen.port;
  }

  /** The URL the API listens on (after start). */
  get url(): string {
    return this.#address;
  }

  /** Adds routes before start; `publicPaths` authenticate themselves (the Telegram webhook's secret header). */
  addRoutes(register: (app: FastifyInstance) => void, publicPaths: string[] = []): void {
    if (this.#server) throw new Error('routes must be added before the control API starts');
    this.#deps.extraRoutes = [...(this.#deps.extraRoutes ?? []), register];
    this.#deps.publicPaths = [...(this.#deps.publicPaths ?? []), ...publicPaths];
  }

  async start(): Promise<void> {
    const server = buildServer(this.#deps);
    try {
      this.#address = await server.listen({ host: this.#host, port: this.#port });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'EADDRINUSE') {
        throw new Error(
          `http.port ${this.#port} on ${this.#host} is in use: another centinela (see \`centinela status\`) or another program holds it; stop it or set CENTINELA_HTTP_PORT`,
        );
      }
      throw err;
    }
    this.#server = server;
    this.#state = { state: 'running', detail: this.#address };
    this.#deps.log.info({ url: this.#address }, 'control API listening');
  }

  async stop(): Promise<void> {
    await this.#server?.close();
    this.#state = { state: 'stopped' };
  }

  status(): ModuleStatus {
    return this.#state;
  }
}
