// What a failure to open the store means for the person starting the service: a configuration to fix (the login,
// the database's name, TLS: exit 78, restarting will not help), a server not answering yet (retry), or else.
import { ConfigError } from '../config.ts';
import { DatabaseUrlError } from './pg-url.ts';

/** A DATABASE_URL the server refuses: one line that names it (password masked) and says what to do. */
export class StoreConfigError extends ConfigError {
  constructor(line: string) {
    super([line]);
    this.message = line;
  }
}

const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** postgres://user:***@host:port/db — enough to recognise the URL, never the password (nor the query). */
export function maskDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.username ? `${decodeURIComponent(u.username)}${u.password ? ':***' : ''}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return '(not a URL)';
  }
}

/** The configuration problem behind a failed connection, as one line; null when it is not one. */
export function storeConfigProblem(err: unknown, databaseUrl: string | undefined): string | null {
  if (err instanceof DatabaseUrlError) return err.message;
  if (!databaseUrl) return null;
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = (typeof e?.message === 'string' ? e.message : String(err)).split('\n')[0] ?? '';
  const url = `DATABASE_URL (${maskDatabaseUrl(databaseUrl)})`;
  const user = safeUser(databaseUrl);
  if (code === '28P01')
    return `${url}: the server refused the password of user "${user}"; put the right password in DATABASE_URL (Supabase: Project Settings → Database)`;
  if (code === '28000')
    return `${url}: the server refused the login (${message}); check the user name in DATABASE_URL and that the server lets this host in (pg_hba.conf)`;
  if (code === '3D000')
    return `${url}: ${message}; create it (createdb) or name an existing database at the end of DATABASE_URL`;
  if (code === '42501')
    return `${url}: ${message}; the user needs the right to create tables in this database (GRANT CREATE) to run the migrations`;
  if (TLS_CODES.has(code)) {
    return `${url}: TLS: the server's certificate was not accepted (${message}); give its CA with sslrootcert=/path/to/ca.crt and sslmode=verify-full (Supabase: download the CA from Project Settings → Database), or sslmode=require to encrypt without checking`;
  }
  if (/does not support SSL/i.test(message))
    return `${url}: ${message}; set sslmode=disable, or turn ssl on in the server`;
  return null;
}

function safeUser(url: string): string {
  try {
    return decodeURIComponent(new URL(url).username) || '(none)';
  } catch {
    return '(unknown)';
  }
}
