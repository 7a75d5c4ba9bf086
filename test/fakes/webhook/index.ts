// A loopback webhook receiver, as another platform would run one: it keeps every request's raw body and headers,
// checks the signature itself (node:crypto, not the code under test) and answers the statuses it is told to.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedHook {
  headers: IncomingHttpHeaders;
  raw: Buffer;
  body: Record<string, unknown>;
  /** The X-Centinela-Signature header is HMAC-SHA256 of the raw body with the receiver's secret. */
  signatureValid: boolean;
  /** What the receiver answered. */
  status: number;
}

export interface FakeWebhookReceiver {
  url: string;
  received: ReceivedHook[];
  /** The next answers, in order (then 200). */
  answer(...statuses: number[]): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret: string, path = '/hooks/centinela'): Promise<FakeWebhookReceiver> {
  const received: ReceivedHook[] = [];
  const script: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`);
      const given = Buffer.from(String(req.headers['x-centinela-signature'] ?? ''));
      const status = req.method === 'POST' && req.url === path ? (script.shift() ?? 200) : 404;
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        // kept as {}: the test sees a body that is not JSON
      }
      received.push({
        headers: req.headers,
        raw,
        body,
        signatureValid: expected.length === given.length && timingSafeEqual(expected, given),
        status,
      });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: status < 300 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    answer: (...statuses) => script.push(...statuses),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
