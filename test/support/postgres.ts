// Throwaway PostgreSQL clusters for tests, built from the local PostgreSQL binaries.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  chownSync,
  constants,
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const INSTALL_HINT =
  'install the PostgreSQL server with: apt-get update && apt-get install -y postgresql (Debian/Ubuntu)';

export interface PostgresServer {
  url: string;
  stop(): Promise<void>;
  /** Stops the server as an operator would (`pg_ctl -m fast stop`: sessions get 57P01), keeping its data. */
  halt(): Promise<void>;
  /** Starts a halted server again, on the same port. */
  resume(): Promise<void>;
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

interface Binaries {
  initdb: string;
  pg_ctl: string;
  postgres: string;
}

/** Runs a command as `prefix...` (empty unless we are root, see asUser). */
interface Runner {
  prefix: string[];
  uid: number;
  gid: number;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function whichSync(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * Debian's `pg_config --bindir` can point at /usr/bin, which holds only client wrappers,
 * so the server bin dirs under /usr/lib/postgresql (newest first) win over it and PATH.
 */
function findBinaries(): Binaries {
  const candidates: string[] = [];
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).filter((v) => /^\d+(\.\d+)?$/.test(v));
    versions.sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(root, v, 'bin')));
  }
  try {
    candidates.push(
      execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(),
    );
  } catch {
    // No pg_config: fall through to PATH.
  }
  const dir = [...new Set(candidates)].find((d) => isExecutable(join(d, 'initdb')) && isExecutable(join(d, 'pg_ctl')));
  const find = (name: keyof Binaries): string => {
    const found = dir && isExecutable(join(dir, name)) ? join(dir, name) : whichSync(name);
    if (!found) {
      throw new Error(
        `PostgreSQL server binary "${name}" not found (looked in ${[...new Set(candidates), 'PATH'].join(', ')}); ${INSTALL_HINT}`,
      );
    }
    return found;
  };
  return { initdb: find('initdb'), pg_ctl: find('pg_ctl'), postgres: find('postgres') };
}

/** Numeric uid/gid of `nobody` from /etc/passwd (its primary group is nogroup on Debian, nobody elsewhere). */
function nobodyIds(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('nobody:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined)
    throw new Error('cannot run PostgreSQL as root, and no "nobody" user exists');
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * initdb and postgres refuse to run as root (a compromised server must not own the box),
 * and containers/CI often run tests as root. Then every PostgreSQL command is run as
 * `nobody` via setpriv (util-linux; no PAM session, so faster than runuser/su), and the
 * cluster's folder is chowned to it. Otherwise commands run as the current user.
 */
function asUser(): Runner {
  if (process.getuid?.() !== 0) return { prefix: [], uid: -1, gid: -1 };
  const { uid, gid } = nobodyIds();
  const setpriv = whichSync('setpriv');
  if (setpriv) return { prefix: [setpriv, `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--'], uid, gid };
  const runuser = whichSync('runuser');
  if (runuser) return { prefix: [runuser, '-u', 'nobody', '--'], uid, gid };
  throw new Error('running as root, and neither setpriv nor runuser is available to drop to "nobody" for PostgreSQL');
}

/** `nobody` must be able to reach the cluster folder, so every ancestor needs o+x. */
function assertTraversable(dir: string): void {
  for (let d = dirname(dir); ; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) {
      throw new Error(
        `"${d}" is not traversable by other users, so "nobody" cannot reach ${dir}; set TMPDIR to e.g. /tmp`,
      );
    }
    if (dirname(d) === d) return;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not find a free port'))));
    });
  });
}

// Clusters still running, stopped synchronously if the process exits without calling stop().
const running = new Map<string, () => void>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const stopSync of running.values()) stopSync();
  });
}

function logTail(logFile: string): string {
  try {
    return readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no server log)';
  }
}

/**
 * fsync false trades durability for speed; `password` makes TCP logins check it (scram-sha-256) instead of trusting
 * anyone; `ssl` turns TLS on with the given certificate and key (PEM text).
 */
export async function startPostgres(
  opts: { fsync?: boolean; password?: string; ssl?: { cert: string; key: string } } = {},
): Promise<PostgresServer> {
  const bins = findBinaries();
  const runner = asUser();
  const exec = (file: string, args: string[], cwd: string) =>
    runner.prefix.length
      ? run(runner.prefix[0] as string, [...runner.prefix.slice(1), file, ...args], { cwd })
      : run(file, args, { cwd });

  const dir = await mkdtemp(join(tmpdir(), 'centinela-pg-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  try {
    if (runner.uid >= 0) {
      assertTraversable(dir);
      chownSync(dir, runner.uid, runner.gid);
    }
    // cwd is the cluster folder: as nobody, the caller's cwd may be unreadable.
    let auth = ['-A', 'trust'];
    if (opts.password !== undefined) {
      const pwfile = join(dir, 'pwfile');
      writeFileSync(pwfile, `${opts.password}\n`, { mode: 0o600 });
      if (runner.uid >= 0) chownSync(pwfile, runner.uid, runner.gid);
      auth = ['--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${pwfile}`];
    }
    await exec(
      bins.initdb,
      ['-D', dataDir, ...auth, '-U', 'postgres', '--no-locale', '-E', 'UTF8', '--no-sync', '--no-instructions'],
      dir,
    );
    let tls = '';
    if (opts.ssl) {
      // The server refuses a key file others can read; it lives in the cluster folder, owned by the server's user.
      for (const [name, text] of [
        ['server.crt', opts.ssl.cert],
        ['server.key', opts.ssl.key],
      ] as const) {
        writeFileSync(join(dataDir, name), text, { mode: 0o600 });
        if (runner.uid >= 0) chownSync(join(dataDir, name), runner.uid, runner.gid);
      }
      tls = ' -c ssl=on';
    }

    const durability =
      (opts.fsync === false ? ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off' : '') + tls;
    // The port may be taken between freePort() and the bind; retry a few times on a new one.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      // pg_ctl hands -o to /bin/sh, so the socket dir is quoted (mkdtemp names hold no quotes).
      const serverOpts = `-c listen_addresses=127.0.0.1 -p ${port} -k '${dir}' -c max_connections=200${durability}`;
      try {
        await exec(bins.pg_ctl, ['-D', dataDir, '-l', logFile, '-o', serverOpts, '-w', 'start'], dir);
      } catch (error) {
        if (attempt < 3 && /could not bind|already in use/i.test(logTail(logFile))) continue;
        throw new Error(`pg_ctl start failed: ${(error as Error).message}\n${logTail(logFile)}`, { cause: error });
      }

      const stopArgs = ['-D', dataDir, '-m', 'immediate', '-w', 'stop'];
      installExitHook();
      running.set(dir, () => {
        const [cmd, ...args] = [...runner.prefix, bins.pg_ctl, ...stopArgs];
        spawnSync(cmd as string, args, { cwd: dir, stdio: 'ignore' });
        rmSync(dir, { recursive: true, force: true });
      });

      let stopping: Promise<void> | undefined;
      const stop = (): Promise<void> =>
        (stopping ??= (async () => {
          try {
            await exec(bins.pg_ctl, stopArgs, dir);
          } catch (error) {
            // Already dead is fine; a server that is still up must not lose its folder.
            if (existsSync(join(dataDir, 'postmaster.pid'))) throw error;
          }
          running.delete(dir);
          await rm(dir, { recursive: true, force: true });
        })());
      const halt = async (): Promise<void> => {
        await exec(bins.pg_ctl, ['-D', dataDir, '-m', 'fast', '-w', 'stop'], dir);
      };
      const resume = async (): Promise<void> => {
        await exec(bins.pg_ctl, ['-D', dataDir, '-l', logFile, '-o', serverOpts, '-w', 'start'], dir);
      };
      const login = opts.password !== undefined ? `postgres:${encodeURIComponent(opts.password)}` : 'postgres';
      return { url: `postgres://${login}@127.0.0.1:${port}/postgres`, stop, halt, resume };
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Creates a uniquely named, empty database on the server at serverUrl. */
export async function createDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = async (fn: (client: pg.Client) => Promise<unknown>): Promise<void> => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await fn(client);
    } finally {
      await client.end();
    }
  };
  // The name is generated above (hex only), so interpolating it is safe.
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));

  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let dropping: Promise<void> | undefined;
  const drop = (): Promise<void> =>
    (dropping ??= admin(async (c) => {
      await c.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [name],
      );
      await c.query(`DROP DATABASE IF EXISTS "${name}"`);
    }));
  return { url: url.toString(), drop };
}
