// The HTTP-over-unix-socket plumbing of the fake daemon: listen, go away and come back on the same path (a Docker
// restart), drop every connection, and answer errors the way the Engine API does ({"message": …}).
import { existsSync, unlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export class UnixHttpServer {
  readonly socketPath: string;
  readonly #handler: Handler;
  #server: Server | null = null;
  readonly #sockets = new Set<Socket>();
  readonly headers: Record<string, string>;

  constructor(socketPath: string, handler: Handler, headers: Record<string, string>) {
    this.socketPath = socketPath;
    this.#handler = handler;
    this.headers = headers;
  }

  get listening(): boolean {
    return this.#server !== null;
  }

  async listen(): Promise<void> {
    if (this.#server) return;
    if (existsSync(this.socketPath)) unlinkSync(this.socketPath); // a stale socket file from an earlier run
    const server = createServer(this.#handler);
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#server = server;
  }

  /** Stops listening, removes the socket file and cuts every connection, streams included. */
  async shutdown(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
    await closed;
    if (existsSync(this.socketPath)) unlinkSync(this.socketPath);
  }

  json(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      ...this.headers,
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  error(res: ServerResponse, status: number, message: string): void {
    this.json(res, status, { message });
  }

  empty(res: ServerResponse, status: number): void {
    res.writeHead(status, this.headers);
    res.end();
  }

  /** Starts a streamed answer (events, followed logs): headers go out at once, as Docker flushes them. */
  stream(res: ServerResponse, contentType: string): void {
    res.writeHead(200, { ...this.headers, 'Content-Type': contentType });
    res.flushHeaders();
  }
}
