// Workers on other machines need the job's files (issue 13.5): paths.data is one folder every process on the store
// shares. A process whose paths.data is another folder says so at start and in `doctor`, and a job whose file it
// cannot read goes to another worker without using up an attempt.
import { readFileSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createDatabase } from '../support/postgres.ts';
import { REPO, runCli, startService, tempDir } from '../support/service.ts';
import type { RunningService } from '../support/service.ts';
import { eventually } from '../support/stores.ts';

const TOKEN = 'test-token-0123456789';

describe('paths.data shared by the processes of one store', () => {
  const services: RunningService[] = [];
  let drop: (() => Promise<void>) | null = null;
  afterEach(async () => {
    for (const s of services.splice(0)) await s.stop();
    await drop?.();
  });

  it('a worker that cannot read a file releases it to one that can; start and doctor name the wrong folder', async () => {
    const database = await createDatabase(inject('postgresUrl'));
    drop = database.drop;
    // The shared folder as the machines see it: a link to the real folder. Removing the link is a machine
    // without the mount (the files' absolute paths lead nowhere there); putting it back, one with it.
    const real = tempDir('centinela-real-');
    const shared = join(tempDir('centinela-mounts-'), 'centinela-shared-data');
    symlinkSync(real, shared);
    const other = tempDir('centinela-other-');
    const env = (data: string) => ({
      DATABASE_URL: database.url,
      CENTINELA_PATHS_DATA: data,
      CENTINELA_API_TOKEN: TOKEN,
      CENTINELA_QUEUE_POLL_MS: '200',
    });

    const receiver = await startService({ args: ['--only', 'http'], env: env(shared) });
    services.push(receiver);
    const body = new FormData();
    for (const name of ['cfdi33-real.xml', 'cfdi40-real.xml']) {
      body.append(
        'files',
        new Blob([new Uint8Array(readFileSync(join(REPO, 'test/fixtures/cfdi', name)))], { type: 'text/xml' }),
        name,
      );
    }
    const res = await fetch(`${receiver.url}/batches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body,
    });
    expect(res.status).toBe(200);
    // A worker on "another machine" whose paths.data is not the shared folder.
    unlinkSync(shared);
    const stranger = await startService({ args: ['--only', 'invoices,http'], env: env(other) });
    services.push(stranger);
    await stranger.waitForLine((l) => l.includes('is not the data folder the other processes on this store use'));

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const jobs = async () =>
        (await client.query("select state, attempts, last_error from jobs where queue = 'invoice.process' order by id"))
          .rows as Array<{ state: string; attempts: number; last_error: string | null }>;
      // The stranger tried both and gave them back, attempts untouched.
      await eventually(
        async () =>
          (await jobs()).every(
            (j) => j.last_error?.includes('cannot be read on this machine') && j.state === 'waiting',
          ),
        'released by the stranger',
        20_000,
      );
      expect((await jobs()).map((j) => j.attempts)).toEqual([0, 0]);

      const doctorWrong = await runCli(['doctor'], { cwd: tempDir(), env: env(other) });
      expect(doctorWrong.stdout).toMatch(
        /✗ paths\.data \(\S+centinela-other-\S+\) is not the data folder the other processes on this store use \(it has no \.centinela-data-id\)/,
      );

      // A worker with the shared folder does the work; each file once, one attempt.
      symlinkSync(real, shared);
      const doctorRight = await runCli(['doctor'], { cwd: tempDir(), env: env(shared) });
      expect(doctorRight.stdout).toMatch(
        /✓ paths\.data \S+centinela-shared-data is the data folder this store's processes share/,
      );
      services.push(await startService({ args: ['--only', 'invoices,http'], env: env(shared) }));
      await eventually(
        async () => (await jobs()).every((j) => j.state === 'done'),
        'done by the worker that has the files',
        30_000,
      );
      expect((await jobs()).map((j) => j.attempts)).toEqual([1, 1]);
      const outcomes = (await client.query('select outcome from item_outcomes order by file_id')).rows.map(
        (r: { outcome: string }) => r.outcome,
      );
      expect(outcomes).toEqual(['ok', 'ok']);
    } finally {
      await client.end();
    }
  });
});
