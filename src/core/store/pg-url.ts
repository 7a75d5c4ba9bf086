// DATABASE_URL's TLS parameters read the way libpq (psql) reads them, so a URL that works with psql works here:
// sslmode=require encrypts without checking the certificate unless sslrootcert names a CA; verify-ca checks the
// chain; verify-full also the host name; no-verify (node-postgres' own) encrypts without any check.
import { accessSync, constants } from 'node:fs';

const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify'] as const;

/** A DATABASE_URL that cannot work as written: the message says what to change (never the password). */
export class DatabaseUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseUrlError';
  }
}

/**
 * The connection string to hand node-postgres. Its own reading of sslmode treats require and verify-ca as
 * verify-full (so `sslmode=require` fails on Supabase's private CA) and prints a 9-line warning; libpq's reading is
 * asked for instead (uselibpqcompat). A CA file that cannot be read is refused here, in one line.
 */
export function pgConnectionString(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url; // the config check already refused it; pg reports what it can
  }
  const mode = u.searchParams.get('sslmode');
  if (mode !== null && !(SSL_MODES as readonly string[]).includes(mode)) {
    throw new DatabaseUrlError(`DATABASE_URL: sslmode=${mode} is not a mode; use one of ${SSL_MODES.join(', ')}`);
  }
  for (const key of ['sslrootcert', 'sslcert', 'sslkey']) {
    const file = u.searchParams.get(key);
    if (file === null) continue;
    try {
      accessSync(file, constants.R_OK);
    } catch (err) {
      throw new DatabaseUrlError(
        `DATABASE_URL: ${key}=${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); put the file there (for Supabase, the CA certificate from Project Settings → Database → SSL) or fix the path`,
      );
    }
  }
  if (mode === 'verify-ca' && u.searchParams.get('sslrootcert') === null) {
    throw new DatabaseUrlError(
      'DATABASE_URL: sslmode=verify-ca needs sslrootcert=/path/to/ca.crt (the CA that signed the server); or use sslmode=verify-full',
    );
  }
  if (mode === null || mode === 'no-verify' || mode === 'disable' || u.searchParams.get('uselibpqcompat') !== null)
    return url;
  if (mode === 'allow') u.searchParams.set('sslmode', 'prefer'); // node-postgres has no allow; prefer is the nearest
  u.searchParams.set('uselibpqcompat', 'true');
  return u.toString();
}
