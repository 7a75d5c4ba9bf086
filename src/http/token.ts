// The control API's bearer token: CENTINELA_API_TOKEN, or one generated on first start into data/api-token (0600).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function apiTokenFile(dataDir: string): string {
  return join(dataDir, 'api-token');
}

export function loadOrCreateApiToken(dataDir: string, fromEnv: string | undefined): string {
  if (fromEnv) return fromEnv;
  const file = apiTokenFile(dataDir);
  const existing = readApiToken(dataDir);
  if (existing) return existing;
  mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(24).toString('base64url');
  try {
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    return token;
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readApiToken(dataDir) ?? token;
    throw err;
  }
}

export function readApiToken(dataDir: string): string | null {
  try {
    return readFileSync(apiTokenFile(dataDir), 'utf8').trim() || null;
  } catch {
    return null;
  }
}

/** Constant-time comparison of an Authorization header with the token. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1] as string);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
