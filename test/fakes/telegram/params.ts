// Request parameters: the query string, JSON or url-encoded bodies (multipart is in multipart.ts), and typed reads.
// Telegram accepts every way for every method, and form values are strings: objects arrive as JSON text.
import type { IncomingMessage } from 'node:http';
import { ApiError, TOO_LARGE, badRequest } from './errors.ts';

export type Params = Record<string, unknown>;

/** Bodies other than multipart are read whole; Telegram's own limit for them is far above what a bot sends. */
const MAX_BODY = 16 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_BODY) throw TOO_LARGE();
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

export function queryParams(url: URL): Params {
  const params: Params = {};
  for (const [k, v] of url.searchParams) params[k] = v;
  return params;
}

/** JSON or url-encoded body; anything else (or no content type) is tried as JSON, then as a form. */
export function parseBody(contentType: string, body: Buffer): Params {
  const text = body.toString('utf8');
  if (text.trim() === '') return {};
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/x-www-form-urlencoded') return formParams(text);
  try {
    const parsed: unknown = JSON.parse(text);
    if (isRecord(parsed)) return parsed;
    throw badRequest("can't parse JSON object");
  } catch (err) {
    if (err instanceof ApiError) throw err;
    if (type === 'application/json') throw badRequest("can't parse JSON object");
    return formParams(text);
  }
}

function formParams(text: string): Params {
  const params: Params = {};
  for (const [k, v] of new URLSearchParams(text)) params[k] = v;
  return params;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

export function str(p: Params, name: string): string | undefined {
  const v = p[name];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** An integer parameter; numeric strings count (form bodies). */
export function int(p: Params, name: string): number | undefined {
  const v = p[name];
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v)) return Number.parseInt(v, 10);
  return undefined;
}

export function bool(p: Params, name: string): boolean {
  const v = p[name];
  return v === true || v === 'true' || v === '1' || v === 1;
}

/** A parameter that is an object or array: as given in a JSON body, or JSON text in a form. */
export function json(p: Params, name: string, what = `${name} JSON object`): unknown {
  const v = p[name];
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    throw badRequest(`can't parse ${what}`);
  }
}

/** chat_id: an integer, or an integer in a string. `@username` chats do not exist in the fake. */
export function chatId(p: Params): number {
  const raw = p.chat_id;
  if (raw === undefined || raw === null || raw === '') throw badRequest('chat_id is empty');
  const id = int(p, 'chat_id');
  if (id === undefined || id === 0) throw badRequest('chat not found');
  return id;
}

/** Turn JSON-text values of known object parameters into objects, so recorded calls look the same whatever the encoding. */
export function normalize(p: Params): Params {
  const out: Params = { ...p };
  for (const key of [
    'reply_markup',
    'scope',
    'commands',
    'entities',
    'caption_entities',
    'allowed_updates',
    'reply_parameters',
    'link_preview_options',
    'media',
  ]) {
    const v = out[key];
    if (typeof v === 'string' && /^\s*[[{]/.test(v)) {
      try {
        out[key] = JSON.parse(v);
      } catch {
        // left as text; the handler reports it
      }
    }
  }
  return out;
}
