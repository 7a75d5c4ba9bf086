// Running the service in parts (issue 13.7): `--only http` takes uploads and another process's invoices module
// processes them on the same store and data folder; `centinela status` says once that a crashed process is gone,
// then drops it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createDatabase } from '../support/postgres.ts';
import { REPO, startService, tempDir } from '../support/service.ts';
import type { RunningService } from '../support/service.ts';
import { createTestStore, eventually } from '../support/stores.ts';
import { PROCESS_GONE_AFTER_MS, buildStatus, formatStatus } from '../../src/status.ts';

const TOKEN = 'test-token-0123456789';

describe('--only http', () => {
  const services: RunningService[] = [];
  let drop: (() => Promise<void>) | null = null;
  afterEach(async () => {
    for (const s of services.splice(0)) await s.stop();
    await drop?.();
  });

  it('serves POST /batches; an invoices process on the same store and data folder does the work', async () => {
    const database = await createDatabase(inject('postgresUrl'));
    drop = database.drop;
    const data = tempDir('centinela-shared-data-');
    const env = {
      DATABASE_URL: database.url,
      CENTINELA_PATHS_DATA: data,
      CENTINELA_API_TOKEN: TOKEN,
      CENTINELA_QUEUE_POLL_MS: '200',
    };
    const http = await startService({ args: ['--only', 'http'], env });
    services.push(http);
    const body = new FormData();
    for (const name of ['cfdi33-real.xml', 'cfdi40-real.xml']) {
      body.append(
        'files',
        new Blob([new Uint8Array(readFileSync(join(REPO, 'test/fixtures/cfdi', name)))], { type: 'text/xml' }),
        name,
      );
    }
    const res = await fetch(`${http.url}/batches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body,
    });
    expect(res.status).toBe(200);
    const { batch_id: batchId } = (await res.json()) as { batch_id: string };
    const report = async (): Promise<Record<string, unknown>> =>
      (await (
        await fetch(`${http.url}/batches/${batchId}`, { headers: { authorization: `Bearer ${TOKEN}` } })
      ).json()) as Record<string, unknown>;
    expect(await report()).toMatchObject({ total: 2, pending: 2, is_complete: false });

    services.push(await startService({ args: ['--only', 'invoices,http'], env }));
    await eventually(async () => (await report()).is_complete === true, 'batch done by the invoices process', 30_000);
    expect(await report()).toMatchObject({ total: 2, completed: 2, failed: 0 });
  });
});

describe('centinela status and crashed processes', () => {
  it('lists a silent process as gone for a while, then drops it', async () => {
    const t = await createTestStore('sqlite');
    try {
      const now = Date.now();
      const beat = (pid: number, ago: number) => ({
        id: `h:${pid}:aaaaaa:invoices`,
        module: 'invoices',
        host: 'h',
        pid,
        state: 'running',
        detail: null,
        started_at: now - 3_600_000,
        beat_at: now - ago,
      });
      await t.store.db
        .insertInto('heartbeats')
        .values([beat(101, 1000), beat(102, 60_000), beat(103, PROCESS_GONE_AFTER_MS + 60_000)])
        .execute();
      const report = await buildStatus({
        store: t.store,
        queueStats: async () => [],
        modules: [],
        startedAt: null,
        diskPaths: [],
        log: { file: null, problem: null },
      });
      expect(report.processes.map((p) => p.pid).sort()).toEqual([101, 102]);
      const text = formatStatus(report);
      expect(text).toMatch(/process invoices on h pid 101: running, last beat 1s ago/);
      expect(text).toMatch(
        /process invoices on h pid 102: GONE, no heartbeat for 60s \(crashed, killed or hung\); no longer listed after 10m/,
      );
      expect(text).not.toContain('pid 103');
    } finally {
      await t.cleanup();
    }
  });
});
