// pg_dump and pg_restore for a PostgreSQL store. The connection goes through libpq's environment variables, taken
// from DATABASE_URL: the password is in PGPASSWORD only, never on a command line (ps shows those) nor in a message.
import { execFile } from 'node:child_process';
import { join } from 'node:path';

const MAX_OUTPUT = 4 * 1024 * 1024;

/** libpq's variables for DATABASE_URL (host, port, database, user, password, TLS). */
export function pgEnv(url: string): Record<string, string> {
  const u = new URL(url);
  const env: Record<string, string> = {};
  const set = (name: string, value: string | null | undefined): void => {
    if (value) env[name] = value;
  };
  set('PGHOST', u.searchParams.get('host') ?? decodeURIComponent(u.hostname).replace(/^\[(.*)\]$/, '$1'));
  set('PGPORT', u.port || u.searchParams.get('port'));
  set('PGDATABASE', decodeURIComponent(u.pathname.replace(/^\//, '')));
  set('PGUSER', decodeURIComponent(u.username));
  set('PGPASSWORD', decodeURIComponent(u.password));
  const mode = u.searchParams.get('sslmode');
  set('PGSSLMODE', mode === 'no-verify' ? 'require' : mode);
  set('PGSSLROOTCERT', u.searchParams.get('sslrootcert'));
  set('PGSSLCERT', u.searchParams.get('sslcert'));
  set('PGSSLKEY', u.searchParams.get('sslkey'));
  return env;
}

function tool(binDir: string, name: string): string {
  return binDir ? join(binDir, name) : name;
}

function run(file: string, args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    // Only PATH and the libpq variables: nothing else of ours (tokens, keys) reaches the child.
    const childEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env };
    execFile(file, args, { env: childEnv, maxBuffer: MAX_OUTPUT }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        return reject(
          new Error(
            `${file} is not installed: install the PostgreSQL client of the server's version (apt-get install postgresql-client) or set backup.pg_bin to its folder`,
          ),
        );
      }
      const said = stderr.trim().split('\n').slice(-3).join(' / ');
      if (/server version mismatch/.test(stderr)) {
        return reject(
          new Error(
            `${file} is older than the server (${said}): install the PostgreSQL client of the server's major version and set backup.pg_bin to its folder (such as /usr/lib/postgresql/16/bin)`,
          ),
        );
      }
      reject(new Error(`${file} failed: ${said || err.message}`));
    });
  });
}

/** A consistent dump (pg_dump reads one snapshot) in the custom format, which pg_restore reads. */
export function pgDump(url: string, file: string, binDir: string): Promise<void> {
  return run(
    tool(binDir, 'pg_dump'),
    ['--format=custom', '--no-owner', '--no-privileges', `--file=${file}`],
    pgEnv(url),
  );
}

/** Restores a dump in one transaction: all of it or nothing. `clean` drops the dump's objects first. */
export function pgRestore(url: string, file: string, binDir: string, clean: boolean): Promise<void> {
  const args = ['--single-transaction', '--exit-on-error', '--no-owner', '--no-privileges'];
  if (clean) args.push('--clean', '--if-exists');
  const env = pgEnv(url);
  args.push(`--dbname=${env.PGDATABASE ?? ''}`, file);
  return run(tool(binDir, 'pg_restore'), args, env);
}
