// `centinela retry`: a quarantined invoice, fixed in place, runs again when its file is named; a file with
// nothing to retry is said so (exit 1), a bad id is a usage error (exit 2), and with nothing failed it says so.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startService } from '../../../src/main.ts';
import type { Service } from '../../../src/main.ts';
import { REPO, runCli, tempDir } from '../../support/service.ts';
import { eventually } from '../../support/stores.ts';

const TOKEN = 'test-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };
let service: Service | null = null;

afterEach(async () => {
  await service?.stop('test over');
  service = null;
});

describe('centinela retry', () => {
  it('runs a fixed quarantined invoice again, and says when there is nothing to run', async () => {
    const cwd = tempDir('centinela-retry-');
    service = await startService({
      cwd,
      only: ['http', 'invoices'],
      env: {
        CENTINELA_HTTP_PORT: '0',
        CENTINELA_LOG_STDOUT: 'false',
        CENTINELA_QUEUE_POLL_MS: '100',
        CENTINELA_API_TOKEN: TOKEN,
      },
    });
    const url = service.http?.url ?? '';
    const body = new FormData();
    body.append(
      'files',
      new Blob(['<?xml version="1.0"?><cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0">'], {
        type: 'text/xml',
      }),
      'rota.xml',
    );
    const upload = (await (await fetch(`${url}/batches`, { method: 'POST', headers: AUTH, body })).json()) as {
      batch_id: string;
      files: Array<{ file_id: number }>;
    };
    const fileId = upload.files[0]?.file_id as number;
    const report = async (): Promise<{
      failed: number;
      completed: number;
      is_complete: boolean;
      files: Array<{ reason: string | null }>;
    }> => (await (await fetch(`${url}/batches/${upload.batch_id}`, { headers: AUTH })).json()) as never;
    await eventually(async () => (await report()).failed === 1, 'quarantined');

    const env = { CENTINELA_API_TOKEN: TOKEN };
    expect((await runCli(['retry', 'abc'], { cwd, env })).code).toBe(2);

    // Someone fixes the file where quarantine put it, then retries that file.
    const qdir = join(cwd, 'data/quarantine');
    const meta = JSON.parse(
      readFileSync(join(qdir, readdirSync(qdir).find((f) => f.endsWith('.meta.json')) as string), 'utf8'),
    ) as { quarantinedPath: string; retry: string; error: string };
    // The batch report says why, in the quarantine's own words.
    expect((await report()).files[0]?.reason).toBe(meta.error);
    expect(meta.retry).toContain(`centinela retry --invoices ${fileId}`);
    writeFileSync(meta.quarantinedPath, readFileSync(join(REPO, 'test/fixtures/cfdi/cfdi40-valid.xml')));
    const retried = await runCli(['retry', '--invoices', String(fileId), '#999'], { cwd, env }); // '#999' as /review writes a file id
    expect(retried.code).toBe(1); // file 999 had nothing to retry
    expect(retried.stdout).toMatch(
      new RegExp(`^queued again: job #\\d+ \\(invoice\\.process\\) for file #${fileId}$`, 'm'),
    );
    expect(retried.stdout).toContain('nothing to run again: there is no file #999');
    await eventually(async () => (await report()).completed === 1, 'read after the retry');
    expect(await report()).toMatchObject({ failed: 0, is_complete: true, files: [{ reason: null }] });

    const again = await runCli(['retry'], { cwd, env });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('no failed download and invoice jobs\n');
    const named = await runCli(['retry', '--json', String(fileId)], { cwd, env });
    expect(named.code).toBe(1);
    expect(JSON.parse(named.stdout)).toEqual({
      retried: [],
      skipped: [],
      nothing: [{ fileId, reason: `file #${fileId} did not fail (its jobs are done)` }],
    });
  });
});
