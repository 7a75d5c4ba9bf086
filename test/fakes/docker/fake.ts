// The fake Docker daemon: containers, their logs and events, and the scenarios a test drives (a container exits,
// crash-loops, turns unhealthy, the daemon goes away), served over a unix socket by routes.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeContainer } from './containers.ts';
import { eventMatches, eventMessage } from './events.ts';
import type { DockerEventMessage } from './events.ts';
import { encodeLine, wanted } from './logs.ts';
import * as routes from './routes.ts';
import type { Daemon, EventSub, LogSub } from './routes.ts';
import { UnixHttpServer } from './server.ts';
import { nowNs } from './time.ts';
import type {
  FakeContainerSpec,
  FakeDocker,
  FakeDockerOptions,
  FakeDockerRequest,
  FakeFault,
  FakeHealth,
  FakeRoute,
} from './types.ts';

class FakeDockerDaemon implements FakeDocker, Daemon {
  readonly http: UnixHttpServer;
  readonly apiVersion: string;
  readonly requests: FakeDockerRequest[] = [];
  readonly restarts: string[] = [];
  readonly pastEvents: DockerEventMessage[] = [];
  readonly eventSubs = new Set<EventSub>();
  readonly logSubs = new Set<LogSub>();
  readonly #containers = new Map<string, FakeContainer>();
  readonly #faults = new Map<FakeRoute, Array<{ fault: FakeFault; left: number }>>();
  readonly #held = new Set<ServerResponse>();
  readonly #tempDir: string | null;

  constructor(o: FakeDockerOptions) {
    this.#tempDir = o.socketPath ? null : mkdtempSync(join(tmpdir(), 'fake-docker-'));
    this.apiVersion = o.apiVersion ?? '1.52';
    const socketPath = o.socketPath ?? join(this.#tempDir as string, 'docker.sock');
    this.http = new UnixHttpServer(socketPath, (req, res) => this.#handle(req, res), {
      'Api-Version': this.apiVersion,
      'Docker-Experimental': 'false',
      Ostype: 'linux',
      Server: `Docker/29.0.0 (linux)`,
    });
  }

  get socketPath(): string {
    return this.http.socketPath;
  }

  all(): FakeContainer[] {
    return [...this.#containers.values()];
  }

  find(idOrName: string): FakeContainer | undefined {
    const name = idOrName.replace(/^\//, '');
    const byName = this.#containers.get(name);
    if (byName) return byName;
    const byId = this.all().filter((c) => c.id.startsWith(idOrName));
    return byId.length === 1 ? byId[0] : undefined;
  }

  add(spec: FakeContainerSpec): string {
    const c = new FakeContainer(spec);
    if (this.#containers.has(c.name)) throw new Error(`fake docker: a container named ${c.name} exists already`);
    this.#containers.set(c.name, c);
    this.#emit(c, 'create');
    if (c.status === 'running') this.#emit(c, 'start');
    return c.id;
  }

  exit(name: string, exitCode = 1): void {
    const c = this.#get(name);
    c.markExited(exitCode);
    this.#emit(c, 'die', { exitCode: String(exitCode) });
  }

  oom(name: string): void {
    const c = this.#get(name);
    this.#emit(c, 'oom');
    c.markExited(137);
    c.oomKilled = true;
    this.#emit(c, 'die', { exitCode: '137' });
  }

  stop(name: string): void {
    const c = this.#get(name);
    this.#emit(c, 'kill', { signal: '15' });
    c.markExited(143);
    this.#emit(c, 'die', { exitCode: '143' });
    this.#emit(c, 'stop');
  }

  start(name: string): void {
    const c = this.#get(name);
    c.markStarted();
    this.#emit(c, 'start');
  }

  crashLoop(name: string, times: number, end: 'restarting' | 'running' = 'restarting'): void {
    const c = this.#get(name);
    for (let i = 0; i < times; i++) {
      c.markExited(1);
      this.#emit(c, 'die', { exitCode: '1' });
      c.restartCount++;
      c.markStarted();
      this.#emit(c, 'start');
    }
    if (end === 'restarting') {
      c.markExited(1);
      this.#emit(c, 'die', { exitCode: '1' });
      c.status = 'restarting';
    }
  }

  setHealth(name: string, status: FakeHealth): void {
    const c = this.#get(name);
    if (!c.healthcheck) throw new Error(`fake docker: ${name} has no health check (add it with healthcheck: true)`);
    c.health = status;
    c.failingStreak = status === 'unhealthy' ? Math.max(3, c.failingStreak + 1) : 0;
    this.#emit(c, `health_status: ${status}`);
  }

  log(name: string, text: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
    const c = this.#get(name);
    for (const part of text.replace(/\n$/, '').split('\n')) {
      const line = { ns: nowNs(), stream: stream === 'stdout' ? (1 as const) : (2 as const), text: part };
      c.logs.push(line);
      for (const sub of this.logSubs)
        if (sub.container === c && wanted(line, sub.query)) sub.res.write(encodeLine(line, sub.query, c.tty));
    }
  }

  remove(name: string): void {
    const c = this.#get(name);
    this.#endLogs(c);
    this.#containers.delete(c.name);
    this.#emit(c, 'destroy');
  }

  restart(c: FakeContainer): void {
    this.restarts.push(c.name);
    if (c.status === 'running') {
      this.#emit(c, 'kill', { signal: '15' });
      c.markExited(0);
      this.#emit(c, 'die', { exitCode: '0' });
      this.#emit(c, 'stop');
    }
    c.markStarted();
    this.#emit(c, 'start');
    this.#emit(c, 'restart');
  }

  fail(route: FakeRoute, fault: FakeFault, times = 1): void {
    const list = this.#faults.get(route) ?? [];
    list.push({ fault, left: times });
    this.#faults.set(route, list);
  }

  openStreams(route?: 'events' | 'logs'): number {
    return (route !== 'logs' ? this.eventSubs.size : 0) + (route !== 'events' ? this.logSubs.size : 0);
  }

  async offline(on: boolean): Promise<void> {
    if (on) {
      this.eventSubs.clear();
      this.logSubs.clear();
      this.#held.clear();
      await this.http.shutdown();
    } else {
      await this.http.listen();
    }
  }

  async close(): Promise<void> {
    await this.offline(true);
    if (this.#tempDir) rmSync(this.#tempDir, { recursive: true, force: true });
  }

  #get(name: string): FakeContainer {
    const c = this.find(name);
    if (!c) throw new Error(`fake docker: no container ${name}; add it first with add({ name: '${name}' })`);
    return c;
  }

  #emit(c: FakeContainer, action: string, extra: Record<string, string> = {}): void {
    const ev = eventMessage(action, c.id, c.attributes(extra), nowNs());
    this.pastEvents.push(ev);
    for (const sub of this.eventSubs) if (eventMatches(ev, sub.filters)) sub.res.write(`${JSON.stringify(ev)}\n`);
    if (action === 'die') this.#endLogs(c);
  }

  /** A followed log ends when its container stops, as Docker's does. */
  #endLogs(c: FakeContainer): void {
    for (const sub of [...this.logSubs]) {
      if (sub.container !== c) continue;
      this.logSubs.delete(sub);
      sub.res.end();
    }
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://docker');
    const path = url.pathname.replace(/^\/v\d+\.\d+(?=\/)/, '');
    const found = routes.routeOf(req.method ?? 'GET', path);
    this.requests.push({
      method: req.method ?? 'GET',
      path,
      route: found?.route ?? null,
      query: Object.fromEntries(url.searchParams),
      at: Date.now(),
    });
    if (!found) return this.http.error(res, 404, 'page not found');
    const faults = this.#faults.get(found.route);
    const fault = faults?.[0];
    if (fault) {
      if (--fault.left <= 0) faults.shift();
      if ('hang' in fault.fault) {
        this.#held.add(res);
        req.on('close', () => this.#held.delete(res));
        return;
      }
      return this.http.error(res, fault.fault.status, fault.fault.message ?? 'fake docker: injected server error');
    }
    const id = found.id ?? '';
    switch (found.route) {
      case 'ping':
        return routes.ping(this, req, res);
      case 'version':
        return routes.version(this, res);
      case 'list':
        return routes.list(this, url.searchParams, res);
      case 'inspect':
        return routes.inspect(this, id, res);
      case 'restart':
        return routes.restart(this, id, res);
      case 'logs':
        return routes.logs(this, id, url.searchParams, req, res);
      case 'events':
        return routes.events(this, url.searchParams, req, res);
    }
  }
}

/** Starts a fake Docker daemon listening on a unix socket; point dockerode at it with { socketPath: fake.socketPath }. */
export async function startFakeDocker(options: FakeDockerOptions = {}): Promise<FakeDocker> {
  const fake = new FakeDockerDaemon(options);
  await fake.http.listen();
  return fake;
}
