// PostgreSQL stopped and started in the middle of a batch (issue 13.1): the service rides the outage out. It keeps
// running, /healthz and uploads answer 503 naming the store, an incident is raised, and once the server is back
// every file ends with exactly one outcome. A dedicated server, so stopping it disturbs no other test file.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres } from '../support/postgres.ts';
import type { PostgresServer } from '../support/postgres.ts';
import { REPO, startService } from '../support/service.ts';
import type { RunningService } from '../support/service.ts';
import { STORE_KINDS, createTestStore, eventually, testQueue } from '../support/stores.ts';
import { Queue } from '../../src/core/queue/index.ts';
import type { EnqueueOptions, QueueDefinition } from '../../src/core/queue/index.ts';
import { IntakeRecords } from '../../src/pipeline/intake/index.ts';
import { recordInvoiceFiles } from '../../src/pipeline/sources/record.ts';
import { configSchema } from '../../src/core/config.ts';
import { pipelineFollowers } from '../../src/followers.ts';

const FIXTURES = join(REPO, 'test/fixtures/cfdi');
const FILES = 300;

let server: PostgresServer;
let service: RunningService | null = null;

beforeAll(async () => {
  server = await startPostgres({ fsync: false });
});
afterAll(async () => {
  if (service) await service.stop('SIGKILL');
  await server?.stop();
});

function upload(url: string, token: string, files: Array<{ name: string; bytes: Buffer }>): Promise<Response> {
  const body = new FormData();
  for (const f of files) body.append('files', new Blob([new Uint8Array(f.bytes)], { type: 'text/xml' }), f.name);
  return fetch(`${url}/batches`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body });
}

/** CFDI files made different by a trailing comment (the same five invoices: most are duplicates, each an outcome). */
function invoiceFiles(n: number, tag: string): Array<{ name: string; bytes: Buffer }> {
  const names = [
    'cfdi33-real.xml',
    'cfdi40-real.xml',
    'cfdi40-valid.xml',
    'cfdi33-valid.xml',
    'created-with-discounts-40.xml',
  ];
  return Array.from({ length: n }, (_, i) => {
    const name = names[i % names.length] as string;
    return {
      name: `${tag}-${i}-${name}`,
      bytes: Buffer.concat([readFileSync(join(FIXTURES, name)), Buffer.from(`\n<!-- ${tag} ${i} -->\n`)]),
    };
  });
}

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('PostgreSQL stopped and started mid-batch', () => {
  it('keeps the service up, answers 503 naming the store, raises an incident, and finishes every file once', async () => {
    service = await startService({
      env: {
        DATABASE_URL: server.url,
        CENTINELA_QUEUE_POLL_MS: '100',
        CENTINELA_MONITOR_CHECK_INTERVAL: '1s',
        CENTINELA_API_TOKEN: 'test-token-0123456789',
      },
      timeoutMs: 60_000,
    });
    const { url } = service;
    const token = 'test-token-0123456789';
    const res = await upload(url, token, invoiceFiles(FILES, 'a'));
    expect(res.status).toBe(200);
    const { batch_id: batchId } = (await res.json()) as { batch_id: string };

    // Stop the server while the batch is being worked on: some files done, most still to do.
    await eventually(
      async () => (await query<{ n: string }>('select count(*) as n from item_outcomes'))[0]?.n !== '0',
      'first outcomes',
      30_000,
    );
    await server.halt();
    const haltedAt = Date.now();

    // Still up: /healthz says what is wrong, naming the store (without its password), and uploads get a 503.
    let health: { status: number; body: { problems?: string[] } } = { status: 0, body: {} };
    await eventually(
      async () => {
        const r = await fetch(`${url}/healthz`);
        health = { status: r.status, body: (await r.json()) as { problems?: string[] } };
        return health.status === 503;
      },
      '/healthz 503',
      20_000,
    );
    expect(health.body.problems?.join('\n')).toMatch(
      /store unreachable \(postgres postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres\)/,
    );
    const refused = await upload(url, token, invoiceFiles(2, 'down'));
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(((await refused.json()) as { error: string }).error).toContain(
      'the store (postgres postgres://postgres@127.0.0.1',
    );
    // Long enough for every worker loop to have hit the outage.
    await eventually(() => Date.now() - haltedAt > 3000, 'three seconds of outage');
    expect(service.proc.exitCode).toBeNull();

    await server.resume();
    const resumedAt = Date.now();
    const status = async (): Promise<Record<string, number | boolean>> =>
      (await (
        await fetch(`${url}/batches/${batchId}`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as Record<string, number | boolean>;
    await eventually(
      async () =>
        (await query('select 1 from jobs where finished_at > $1 and state = $2 limit 1', [resumedAt, 'done'])).length >
        0,
      'a job done after the restart',
      30_000,
    );
    const [first] = await query<{ at: string }>('select min(finished_at) as at from jobs where finished_at > $1', [
      resumedAt,
    ]);
    const firstJobMs = Number(first?.at) - resumedAt;
    await eventually(async () => (await status()).is_complete === true, 'batch complete', 60_000);

    // Every file one outcome (none lost), no file linked to two invoices or run to two outcomes (none doubled).
    const files = await query<{ id: string; outcomes: string; links: string }>(
      `select f.id, (select count(*) from item_outcomes o where o.file_id = f.id) as outcomes,
              (select count(*) from invoice_files l where l.file_id = f.id) as links
         from files f where f.batch_id = $1`,
      [batchId],
    );
    expect(files).toHaveLength(FILES);
    const lost = files.filter((f) => f.outcomes === '0').length;
    const doubled = files.filter((f) => Number(f.outcomes) > 1 || Number(f.links) > 1).length;
    expect({ lost, doubled }).toEqual({ lost: 0, doubled: 0 });
    const jobs = await query<{ state: string; n: string }>(
      "select state, count(*) as n from jobs where queue = 'invoice.process' group by state",
    );
    expect(jobs).toEqual([{ state: 'done', n: String(FILES) }]);
    expect((await status()).failed).toBe(0);

    // The outage became an incident once the store could record it; the next check resolved it.
    await eventually(
      async () => (await query("select 1 from incidents where rule = 'store'")).length > 0,
      'store incident',
      20_000,
    );
    const [incident] = await query<{ message: string }>("select message from incidents where rule = 'store'");
    expect(incident?.message).toMatch(/was unreachable for about \d+s/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(service.proc.exitCode).toBeNull();
    expect(service.stderr()).not.toContain('uncaught');
    expect(service.lines.join('\n')).not.toContain('uncaught exception');
    // The stop landed mid-batch: jobs were still to finish after it.
    const after = await query<{ n: string }>(
      "select count(*) as n from jobs where queue = 'invoice.process' and finished_at > $1",
      [haltedAt],
    );
    expect(Number(after[0]?.n)).toBeGreaterThan(0);
    if (process.env.OUTAGE_DEBUG)
      process.stdout.write(
        `${service.lines
          .filter((l) => /unreachable|released|WARN|ERROR/.test(l))
          .slice(0, 40)
          .join('\n')}\n`,
      );
    process.stdout.write(
      `store outage: first job done ${firstJobMs} ms after the server was back; files lost ${lost}, doubled ${doubled}\n`,
    );
    expect((await service.stop()).code).toBe(0);
    service = null;
  }, 180_000);
});

describe.each(STORE_KINDS)('an upload when the store goes away half way, on %s', (kind) => {
  it('keeps neither a file without its job nor its bytes: all of the upload or none', async () => {
    const t = await createTestStore(kind);
    try {
      const base = await testQueue(t.store);
      let calls = 0;
      // The store goes away after the first file's job was written (the error pg gives for a dropped connection).
      const queue = Object.assign(Object.create(Queue.prototype) as Queue, base, {
        enqueue: (queue: QueueDefinition<unknown>, payload: unknown, options: EnqueueOptions = {}) => {
          if (++calls === 2) return Promise.reject(new Error('Connection terminated unexpectedly'));
          return base.enqueue(queue, payload, options);
        },
        poke: () => {},
      });
      const dir = t.spec.dataDir;
      const files = ['a.xml', 'b.xml', 'c.xml'].map((name, i) => {
        const path = join(dir, name);
        writeFileSync(path, `<x n="${i}"/>`);
        return { fileName: name, mimeType: 'text/xml', size: 10, path, sha256: `sha-${i}-${kind}` };
      });
      await expect(
        recordInvoiceFiles(
          new IntakeRecords(t.store),
          queue,
          pipelineFollowers(configSchema.parse({}), t.store),
          'http',
          {},
          files,
        ),
      ).rejects.toThrow('Connection terminated');
      const rows = await t.store.db.selectFrom('jobs').select('id').execute();
      const recorded = await new IntakeRecords(t.store).db.selectFrom('files').select('id').execute();
      expect({
        jobs: rows.length,
        files: recorded.length,
        onDisk: files.filter((f) => existsSync(f.path)).length,
      }).toEqual({ jobs: 0, files: 0, onDisk: 0 });
      await base.stop(100);
    } finally {
      await t.cleanup();
    }
  });
});
