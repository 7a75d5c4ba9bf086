// `centinela doctor` checks what the monitor needs (issue 12.9): the Docker socket (there, allowed, answering _ping),
// each configured container, each probe (glob matches, variable set, query runs within its timeout), and agrees with
// start: what start refuses is a ✗ here.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startService } from '../../src/main.ts';
import { startFakeDocker } from '../fakes/docker/index.ts';
import type { FakeDocker } from '../fakes/docker/index.ts';
import { createDatabase } from '../support/postgres.ts';
import type { TestDatabase } from '../support/postgres.ts';
import { cleanEnv, runCli, tempDir } from '../support/service.ts';
import { writeFileSync } from 'node:fs';

describe('centinela doctor: the monitor', () => {
  let fake: FakeDocker;
  let db: TestDatabase;

  beforeAll(async () => {
    fake = await startFakeDocker();
    db = await createDatabase(inject('postgresUrl'));
  });
  afterAll(async () => {
    await fake.close();
    await db.drop();
  });

  it('a missing Docker socket and an unset probe variable are ✗ (exit 1), as start refuses the probe', async () => {
    const cwd = tempDir('centinela-doctor-monitor-');
    const env = {
      CENTINELA_MONITOR_DOCKER_SOCKET: join(cwd, 'docker.sock'),
      CENTINELA_MONITOR_CONTAINERS: '[{name: loader}]',
      CENTINELA_MONITOR_PROBES:
        '[{name: loaded, kind: sql_count, sql: "select count(*) from items", database_url_env: LOADER_DB}]',
    };
    const r = await runCli(['doctor'], { cwd, env });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `✗ Docker socket ${join(cwd, 'docker.sock')} does not exist (ENOENT)\n    fix: start Docker, or set monitor.docker_socket`,
    );
    expect(r.stdout).toMatch(
      /✗ monitor\.probes:\n {2}- probe loaded: the environment variable LOADER_DB \(database_url_env\) is not set/,
    );
    await expect(
      startService({ cwd, only: ['monitor'], env: cleanEnv({ ...env, CENTINELA_LOG_STDOUT: 'false' }) }),
    ).rejects.toThrow(/probe loaded: the environment variable LOADER_DB/);
  }, 60_000);

  it('with Docker and the databases there: each container and each probe, a query past its timeout ✗', async () => {
    fake.add({ name: 'loader' });
    fake.add({ name: 'scraper' });
    fake.exit('scraper', 0);
    const cwd = tempDir('centinela-doctor-monitor-');
    writeFileSync(join(cwd, 'a.jsonl'), '{}\n{}\n');
    const env = {
      LOADER_DB: db.url,
      CENTINELA_MONITOR_DOCKER_SOCKET: fake.socketPath,
      CENTINELA_MONITOR_CONTAINERS: '[{name: loader}, {name: scraper}, {name: ghost}]',
      CENTINELA_MONITOR_PROBES: JSON.stringify([
        { name: 'scraped', kind: 'lines', glob: `${cwd}/*.jsonl` },
        { name: 'nothing', kind: 'newest_file', glob: `${cwd}/out/*.json` },
        { name: 'loaded', kind: 'sql_count', sql: 'select 42', database_url_env: 'LOADER_DB' },
        {
          name: 'slow',
          kind: 'sql_count',
          sql: 'select count(*) from pg_sleep(5)',
          database_url_env: 'LOADER_DB',
          timeout: '300ms',
        },
      ]),
    };
    const r = await runCli(['doctor'], { cwd, env });
    const lines = r.stdout.split('\n');
    expect(lines).toContain(`✓ Docker at ${fake.socketPath} answers`);
    expect(lines).toContain('✓ container loader running');
    expect(lines).toContain('! container scraper is exited');
    expect(lines).toContain('✗ container ghost does not exist');
    expect(r.stdout).toMatch(/^✓ probe scraped \(lines\): 2 lines, newest \d{4}-\d\d-\d\dT/m);
    expect(lines).toContain(`! probe nothing (newest_file): ${cwd}/out/*.json matches no file`);
    expect(lines).toContain('✓ probe loaded (sql_count): 42 rows');
    expect(r.stdout).toMatch(
      /✗ probe slow \(sql_count\): the query failed \(canceling statement due to statement timeout\)/,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain(db.url);
  }, 60_000);
});
