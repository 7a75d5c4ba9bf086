// The HTTP side: a loopback listener that can go offline and come back on the same port, and the router for
// /bot<token>/<method> and /file/bot<token>/<path>.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Answer } from './context.ts';
import type { Ctx } from './context.ts';
import { ApiError, METHOD_NOT_FOUND, TOO_MANY, UNAUTHORIZED, badRequest, defaultDescription } from './errors.ts';
import type { Faults } from './faults.ts';
import { findMethod } from './methods.ts';
import { boundaryOf, readMultipart } from './multipart.ts';
import { isRecord, normalize, parseBody, queryParams, readBody } from './params.ts';
import type { Params } from './params.ts';
import type { SentCall, UploadedFile } from './types.ts';

export class Listener {
  readonly server: Server;
  readonly host = '127.0.0.1';
  port = 0;
  private readonly sockets = new Set<Socket>();

  constructor(handler: (req: IncomingMessage, res: ServerResponse) => void) {
    this.server = createServer(handler);
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, this.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Stops listening and drops every connection, held requests included. */
  async stop(): Promise<void> {
    if (!this.server.listening) {
      for (const s of this.sockets) s.destroy();
      return;
    }
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}

export interface RouterDeps {
  token: string;
  ctx: Ctx;
  faults: Faults;
  uploadDir: string;
  record(call: SentCall): void;
  /** Counts every request of a method, answered or not (getUpdates too). */
  count(method: string): void;
  /** Keeps a request unanswered until the fake closes (a `timeout` fault). */
  hold(res: ServerResponse): void;
  /** A timer the fake clears on close. */
  later(ms: number, fn: () => void): void;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed || res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

const REASONS: Record<number, string> = {
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
};

/** nginx's own error page, as it answers when the Bot API server behind it is down or restarting. */
function sendHtml(res: ServerResponse, status: number): void {
  if (res.destroyed || res.headersSent) return;
  const title = `${status} ${REASONS[status] ?? 'Error'}`;
  const page = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n`;
  res.writeHead(status, {
    server: 'nginx/1.24.0',
    'content-type': 'text/html',
    'content-length': String(Buffer.byteLength(page)),
  });
  res.end(page);
}

async function readParams(req: IncomingMessage, url: URL, uploadDir: string): Promise<Params> {
  const params = queryParams(url);
  const contentType = req.headers['content-type'] ?? '';
  if (/^\s*multipart\/form-data/i.test(contentType)) {
    const boundary = boundaryOf(contentType);
    if (!boundary) throw badRequest('invalid multipart/form-data: no boundary');
    const { fields, files } = await readMultipart(req, boundary, uploadDir);
    Object.assign(params, fields);
    // `curl -F document=@file`: the part itself is the parameter.
    for (const [name, file] of files) if (!(name in params)) params[name] = file;
    // grammY: `document=attach://<id>` and a part named <id>; in sendMediaGroup, inside the `media` JSON.
    const normalized = normalize(params);
    return attach(normalized, files) as Params;
  }
  Object.assign(params, parseBody(contentType, await readBody(req)));
  return normalize(params);
}

/** Replaces `attach://<name>` strings, at any depth, with the uploaded part of that name. */
function attach(value: unknown, files: Map<string, UploadedFile>): unknown {
  if (typeof value === 'string' && value.startsWith('attach://'))
    return files.get(value.slice('attach://'.length)) ?? value;
  if (Array.isArray(value)) return value.map((v) => attach(v, files));
  if (isRecord(value) && value.kind !== 'upload')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, attach(v, files)]));
  return value;
}

export async function route(req: IncomingMessage, res: ServerResponse, deps: RouterDeps): Promise<void> {
  const at = Date.now();
  const url = new URL(req.url ?? '/', 'http://fake');
  const file = /^\/file\/bot([^/]*)\/(.+)$/.exec(url.pathname);
  if (file && (req.method === 'GET' || req.method === 'HEAD')) {
    req.resume();
    // A local server (--local) serves no files over HTTP: the bot reads file_path from disk.
    if (decodeURIComponent(file[1] ?? '') !== deps.token || deps.ctx.mode() === 'local') {
      send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      return;
    }
    deps.ctx.files.serve(decodeURIComponent(file[2] ?? ''), res, req.method === 'HEAD');
    return;
  }
  const call = /^\/bot([^/]*)\/([^/]+)\/?$/.exec(url.pathname);
  if (!call) {
    req.resume();
    send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    return;
  }
  if (decodeURIComponent(call[1] ?? '') !== deps.token) {
    req.resume();
    send(res, 401, UNAUTHORIZED().body());
    return;
  }
  const found = findMethod(call[2] ?? '');
  if (!found) {
    req.resume();
    send(res, 404, METHOD_NOT_FOUND().body());
    return;
  }
  const method = found.name;
  deps.count(method);
  const recorded = method !== 'getUpdates';
  const fail = (params: Params, err: ApiError): void => {
    if (recorded) deps.record({ method, params, at, error: { error_code: err.code, description: err.description } });
    send(res, err.code, err.body());
  };

  let params: Params;
  try {
    params = await readParams(req, url, deps.uploadDir);
  } catch (err) {
    fail({}, err instanceof ApiError ? err : badRequest(`can't read the request: ${String(err)}`));
    return;
  }

  const fault = deps.faults.take(method);
  if (fault && 'timeout' in fault) {
    if (recorded) deps.record({ method, params, at });
    deps.hold(res);
    return;
  }
  if (fault && 'stallMs' in fault) {
    // A slow server: the call is carried out, just late.
    await new Promise<void>((resolve) => deps.later(fault.stallMs, resolve));
  } else if (fault && 'html' in fault) {
    if (recorded)
      deps.record({ method, params, at, error: { error_code: fault.status, description: 'proxy error page (HTML)' } });
    sendHtml(res, fault.status);
    return;
  } else if (fault) {
    fail(
      params,
      fault.status === 429
        ? TOO_MANY(fault.retryAfter)
        : new ApiError(fault.status, fault.description ?? defaultDescription(fault.status)),
    );
    return;
  }

  try {
    const out = await found.handler(params, deps.ctx, {
      onAbort: (cancel) =>
        res.on('close', () => {
          if (!res.writableEnded) cancel();
        }),
    });
    const result = out instanceof Answer ? out.result : out;
    if (recorded) deps.record({ method, params, at, result });
    send(res, 200, out instanceof Answer ? { ok: true, result, description: out.description } : { ok: true, result });
  } catch (err) {
    fail(
      params,
      err instanceof ApiError
        ? err
        : new ApiError(500, `Internal Server Error: ${err instanceof Error ? err.message : String(err)}`),
    );
  }
}
