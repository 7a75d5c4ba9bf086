// The Engine API endpoints the fake serves, each answering in Docker's shape, with its status codes and errors.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeContainer } from './containers.ts';
import { eventMatches, parseFilters } from './events.ts';
import type { DockerEventMessage, EventFilters } from './events.ts';
import { encodeLine, parseTail, selectLines } from './logs.ts';
import type { LogQuery } from './logs.ts';
import type { UnixHttpServer } from './server.ts';
import { parseTimeParam } from './time.ts';
import type { FakeRoute } from './types.ts';

export interface EventSub {
  res: ServerResponse;
  filters: EventFilters;
  until: bigint | null;
}

export interface LogSub {
  res: ServerResponse;
  container: FakeContainer;
  query: LogQuery;
}

/** What the routes need from the daemon. */
export interface Daemon {
  readonly http: UnixHttpServer;
  readonly apiVersion: string;
  readonly pastEvents: readonly DockerEventMessage[];
  readonly eventSubs: Set<EventSub>;
  readonly logSubs: Set<LogSub>;
  all(): FakeContainer[];
  /** By full id, unique id prefix, or name (with or without the leading /). */
  find(idOrName: string): FakeContainer | undefined;
  restart(c: FakeContainer): void;
}

type Query = URLSearchParams;

export function routeOf(method: string, path: string): { route: FakeRoute; id?: string } | null {
  if ((method === 'GET' || method === 'HEAD') && path === '/_ping') return { route: 'ping' };
  if (method === 'GET' && path === '/version') return { route: 'version' };
  if (method === 'GET' && path === '/containers/json') return { route: 'list' };
  if (method === 'GET' && path === '/events') return { route: 'events' };
  const m = /^\/containers\/([^/]+)\/(json|restart|logs)$/.exec(path);
  if (!m) return null;
  const id = decodeURIComponent(m[1] as string);
  if (m[2] === 'json' && method === 'GET') return { route: 'inspect', id };
  if (m[2] === 'restart' && method === 'POST') return { route: 'restart', id };
  if (m[2] === 'logs' && method === 'GET') return { route: 'logs', id };
  return null;
}

const flag = (q: Query, name: string): boolean => ['1', 'true', 'True'].includes(q.get(name) ?? '');

export function ping(d: Daemon, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, {
    ...d.http.headers,
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-cache, no-store, must-revalidate',
    Pragma: 'no-cache',
  });
  res.end(req.method === 'HEAD' ? undefined : 'OK');
}

export function version(d: Daemon, res: ServerResponse): void {
  d.http.json(res, 200, {
    Platform: { Name: 'Docker Engine - Community' },
    Components: [
      {
        Name: 'Engine',
        Version: '29.0.0',
        Details: { ApiVersion: d.apiVersion, Arch: 'amd64', Os: 'linux', MinAPIVersion: '1.24' },
      },
    ],
    Version: '29.0.0',
    ApiVersion: d.apiVersion,
    MinAPIVersion: '1.24',
    GitCommit: 'fake000',
    GoVersion: 'go1.24.0',
    Os: 'linux',
    Arch: 'amd64',
    KernelVersion: '6.1.0',
    BuildTime: '2025-01-01T00:00:00.000000000+00:00',
  });
}

export function list(d: Daemon, q: Query, res: ServerResponse): void {
  let filters: EventFilters;
  try {
    filters = parseFilters(q.get('filters'));
  } catch (err) {
    return d.http.error(res, 400, (err as Error).message);
  }
  const all = flag(q, 'all');
  const out = d.all().filter((c) => {
    if (!all && c.status !== 'running' && c.status !== 'paused' && c.status !== 'restarting') return false;
    const names = filters.get('name');
    if (names?.size && ![...names].some((n) => c.name.includes(n.replace(/^\//, '')))) return false;
    const status = filters.get('status');
    if (status?.size && !status.has(c.status)) return false;
    const id = filters.get('id');
    if (id?.size && ![...id].some((v) => c.id.startsWith(v))) return false;
    return true;
  });
  d.http.json(
    res,
    200,
    out.map((c) => c.summary()),
  );
}

export function inspect(d: Daemon, id: string, res: ServerResponse): void {
  const c = d.find(id);
  if (!c) return d.http.error(res, 404, `No such container: ${id}`);
  d.http.json(res, 200, c.inspect());
}

export function restart(d: Daemon, id: string, res: ServerResponse): void {
  const c = d.find(id);
  if (!c) return d.http.error(res, 404, `No such container: ${id}`);
  d.restart(c);
  d.http.empty(res, 204);
}

export function logs(d: Daemon, id: string, q: Query, req: IncomingMessage, res: ServerResponse): void {
  const c = d.find(id);
  if (!c) return d.http.error(res, 404, `No such container: ${id}`);
  let query: LogQuery;
  try {
    query = {
      stdout: flag(q, 'stdout'),
      stderr: flag(q, 'stderr'),
      since: parseTimeParam(q.get('since')),
      until: parseTimeParam(q.get('until')),
      timestamps: flag(q, 'timestamps'),
      tail: parseTail(q.get('tail')),
    };
  } catch (err) {
    return d.http.error(res, 400, (err as Error).message);
  }
  if (!query.stdout && !query.stderr)
    return d.http.error(res, 400, 'Bad parameters: you must choose at least one stream');
  d.http.stream(res, c.tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream');
  for (const line of selectLines(c.logs, query)) res.write(encodeLine(line, query, c.tty));
  // Docker ends a followed log when the container is not running (or stops later).
  if (!flag(q, 'follow') || c.status !== 'running') return void res.end();
  const sub: LogSub = { res, container: c, query };
  d.logSubs.add(sub);
  req.on('close', () => d.logSubs.delete(sub));
}

export function events(d: Daemon, q: Query, req: IncomingMessage, res: ServerResponse): void {
  let sub: EventSub;
  let since: bigint | null;
  try {
    since = parseTimeParam(q.get('since'));
    sub = { res, filters: parseFilters(q.get('filters')), until: parseTimeParam(q.get('until')) };
  } catch (err) {
    return d.http.error(res, 400, (err as Error).message);
  }
  d.http.stream(res, 'application/json');
  if (since !== null) {
    for (const ev of d.pastEvents) {
      if (BigInt(ev.timeNano) < since || (sub.until !== null && BigInt(ev.timeNano) > sub.until)) continue;
      if (eventMatches(ev, sub.filters)) res.write(`${JSON.stringify(ev)}\n`);
    }
  }
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  if (sub.until !== null && sub.until <= nowNs) return void res.end();
  d.eventSubs.add(sub);
  const timer = sub.until === null ? null : setTimeout(() => res.end(), Number((sub.until - nowNs) / 1_000_000n));
  req.on('close', () => {
    if (timer) clearTimeout(timer);
    d.eventSubs.delete(sub);
  });
}
