// Starting against PostgreSQL that refuses or does not answer (issue 13.3): a wrong password or a missing database
// is a configuration error (exit 78, one line naming DATABASE_URL with the password masked); a server that does
// not answer yet is waited for, with backoff, and the service starts once it does.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startPostgres } from '../../support/postgres.ts';
import type { PostgresServer } from '../../support/postgres.ts';
import { CLI, cleanEnv, freePort, runCli, tempDir } from '../../support/service.ts';
import { eventually } from '../../support/stores.ts';

const PASSWORD = 'right-Pass-4821';
let server: PostgresServer;

beforeAll(async () => {
  server = await startPostgres({ fsync: false, password: PASSWORD });
});
afterAll(async () => {
  await server?.stop();
});

function withPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = password;
  return u.toString();
}

describe('start-up against a PostgreSQL that refuses', () => {
  it('a wrong password exits 78 with one line naming DATABASE_URL, the password masked', async () => {
    const wrong = 'wrong-Pass-9917';
    const r = await runCli(['start'], {
      cwd: tempDir(),
      env: { DATABASE_URL: withPassword(server.url, wrong), CENTINELA_LOG_STDOUT: 'false' },
    });
    expect(r.code).toBe(78);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^centinela: DATABASE_URL \(postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres\): the server refused the password of user "postgres"; put the right password in DATABASE_URL/,
    );
    expect(r.stderr + r.stdout).not.toContain(wrong);
    expect(r.stderr).not.toContain('migration');
    // doctor says the same, in one line.
    const doctor = await runCli(['doctor'], { cwd: tempDir(), env: { DATABASE_URL: withPassword(server.url, wrong) } });
    expect(doctor.stdout).toMatch(
      /✗ DATABASE_URL \(postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres\): the server refused the password of user "postgres"/,
    );
    expect(doctor.stdout).not.toContain(wrong);
  });

  it('a missing database exits 78 and says to create it', async () => {
    const url = new URL(inject('postgresUrl'));
    url.pathname = '/no_such_db';
    const r = await runCli(['start'], {
      cwd: tempDir(),
      env: { DATABASE_URL: url.toString(), CENTINELA_LOG_STDOUT: 'false' },
    });
    expect(r.code).toBe(78);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^centinela: DATABASE_URL \(postgres:\/\/postgres@127\.0\.0\.1:\d+\/no_such_db\): database "no_such_db" does not exist; create it/,
      ),
    ]);
  });

  it('a server that does not answer yet is waited for, and the service starts once it does', async () => {
    await server.halt();
    const port = await freePort();
    const proc = spawn(process.execPath, [CLI, 'start'], {
      cwd: tempDir(),
      env: cleanEnv({ DATABASE_URL: withPassword(server.url, PASSWORD), CENTINELA_HTTP_PORT: String(port) }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      // Two tries logged (1 s apart, then 2 s): still running, not a crash loop.
      await eventually(
        () => (out.match(/the store does not answer yet: trying again/g) ?? []).length >= 2,
        'two logged retries',
        30_000,
      );
      expect(proc.exitCode).toBeNull();
      expect(out).toMatch(/"retry_in_s":1\b[\s\S]*"retry_in_s":2\b/);
      expect(out).not.toContain(PASSWORD);
      await server.resume();
      await eventually(
        async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status === 200,
        'healthy once the server answers',
        60_000,
      );
      expect(out).toContain('store reachable: starting');
    } finally {
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r(null) : proc.on('exit', r)));
    }
  });
});
