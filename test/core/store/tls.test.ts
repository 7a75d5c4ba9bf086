// DATABASE_URL's TLS settings read as libpq reads them (issue 13.4), against a real PostgreSQL with ssl=on and a
// certificate from our own CA, as Supabase has: sslmode=require encrypts without checking, verify-full with
// sslrootcert checks against that CA, and what cannot work is refused in one line.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgConnectionString } from '../../../src/core/store/pg-url.ts';
import { startPostgres } from '../../support/postgres.ts';
import type { PostgresServer } from '../../support/postgres.ts';
import { runCli, tempDir } from '../../support/service.ts';
import { openSpec } from '../../support/store-spec.ts';

let server: PostgresServer;
let caFile = '';
const certs = tempDir('centinela-tls-');

/** A CA and a server certificate it signed for 127.0.0.1 and localhost (openssl, as an operator would). */
function makeCertificates(): { cert: string; key: string } {
  const ssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: certs, stdio: 'ignore' });
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=Centinela Test CA',
  );
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  writeFileSync(join(certs, 'san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  ssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '2',
    '-extfile',
    'san.ext',
  );
  return {
    cert: readFileSync(join(certs, 'server.crt'), 'utf8'),
    key: readFileSync(join(certs, 'server.key'), 'utf8'),
  };
}

beforeAll(async () => {
  server = await startPostgres({ fsync: false, ssl: makeCertificates() });
  caFile = join(certs, 'ca.crt');
});
afterAll(async () => {
  await server?.stop();
});

function url(params: Record<string, string>): string {
  const u = new URL(server.url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

/** Opens the store at `databaseUrl` and says whether the session is encrypted. */
async function encrypted(databaseUrl: string): Promise<boolean> {
  const store = await openSpec({ kind: 'postgres', dataDir: tempDir(), databaseUrl });
  try {
    const { rows } = await sql<{ ssl: boolean }>`select ssl from pg_stat_ssl where pid = pg_backend_pid()`.execute(
      store.db,
    );
    return rows[0]?.ssl === true;
  } finally {
    await store.close();
  }
}

describe('PostgreSQL over TLS', () => {
  it('sslmode=require encrypts without checking the certificate, as libpq does (Supabase without its CA)', async () => {
    expect(await encrypted(url({ sslmode: 'require' }))).toBe(true);
  });

  it('sslmode=verify-full with sslrootcert checks the server against that CA', async () => {
    expect(await encrypted(url({ sslmode: 'verify-full', sslrootcert: caFile }))).toBe(true);
    expect(await encrypted(url({ sslmode: 'require', sslrootcert: caFile }))).toBe(true);
    expect(await encrypted(url({ sslmode: 'no-verify' }))).toBe(true);
  });

  it('verify-full without the CA is refused in one line that says what to do, with no driver warning', async () => {
    const r = await runCli(['start'], {
      cwd: tempDir(),
      env: { DATABASE_URL: url({ sslmode: 'verify-full' }), CENTINELA_LOG_STDOUT: 'false' },
    });
    expect(r.code).toBe(78);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^centinela: DATABASE_URL \(postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres\): TLS: the server's certificate was not accepted \(unable to verify the first certificate\); give its CA with sslrootcert=/,
      ),
    ]);
  });

  it('sslmode=require prints no driver warning, and a CA file that is not there is one line', async () => {
    const ok = await runCli(['doctor'], { cwd: tempDir(), env: { DATABASE_URL: url({ sslmode: 'require' }) } });
    expect(ok.stderr).not.toContain('SECURITY WARNING');
    const missing = await runCli(['start'], {
      cwd: tempDir(),
      env: {
        DATABASE_URL: url({ sslmode: 'verify-full', sslrootcert: join(certs, 'nope.crt') }),
        CENTINELA_LOG_STDOUT: 'false',
      },
    });
    expect(missing.code).toBe(78);
    expect(missing.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^centinela: DATABASE_URL: sslrootcert=\S+nope\.crt cannot be read \(ENOENT\); put the file there/,
      ),
    ]);
  });

  it('reads sslmode as libpq does and leaves other URLs as they are', () => {
    const base = 'postgres://u:p%40ss@db.example.com:6543/postgres';
    expect(pgConnectionString(base)).toBe(base);
    expect(pgConnectionString(`${base}?sslmode=no-verify`)).toBe(`${base}?sslmode=no-verify`);
    expect(pgConnectionString(`${base}?sslmode=disable`)).toBe(`${base}?sslmode=disable`);
    expect(pgConnectionString(`${base}?sslmode=require`)).toBe(`${base}?sslmode=require&uselibpqcompat=true`);
    expect(pgConnectionString(`${base}?sslmode=allow`)).toBe(`${base}?sslmode=prefer&uselibpqcompat=true`);
    expect(() => pgConnectionString(`${base}?sslmode=strict`)).toThrow(
      /sslmode=strict is not a mode; use one of disable, allow, prefer, require, verify-ca, verify-full, no-verify/,
    );
    expect(() => pgConnectionString(`${base}?sslmode=verify-ca`)).toThrow(/verify-ca needs sslrootcert/);
  });
});
