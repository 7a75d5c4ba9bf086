// Bulk runs through the real service in a child process, with the fake OpenAI slowed by latency: a SIGKILL in the
// middle and a restart leave every invoice recorded exactly once (a few requests in flight at the kill are sent
// again); a SIGINT stops cleanly (exit 0), and after a restart the rest completes with no file read twice.
// `centinela status` shows the running batch with its pace and time left.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withTables } from '../../../src/core/store/index.ts';
import type { Store } from '../../../src/core/store/index.ts';
import type { OutcomeTables } from '../../../src/pipeline/invoices/index.ts';
import type { InvoiceTables } from '../../../src/pipeline/invoices/records.ts';
import { sha256Hex, startFakeOpenAI } from '../../fakes/openai/index.ts';
import type { FakeOpenAI } from '../../fakes/openai/index.ts';
import { PNG_HEADER } from '../../support/invoice-data.ts';
import { runCli, startService, tempDir } from '../../support/service.ts';
import type { RunningService } from '../../support/service.ts';
import { openSpec } from '../../support/store-spec.ts';
import { eventually } from '../../support/stores.ts';

const TOKEN = 'test-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const CONCURRENCY = 4;
let openai: FakeOpenAI | null = null;
const running: RunningService[] = [];

afterEach(async () => {
  for (const s of running.splice(0)) await s.stop('SIGKILL');
  await openai?.close();
  openai = null;
});

const photo = (n: number): Buffer => Buffer.concat([PNG_HEADER, Buffer.from(`bulk invoice ${n}`)]);
const uuidOf = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

async function fakeFor(count: number): Promise<FakeOpenAI> {
  const fake = await startFakeOpenAI({
    requestsPerMinute: 100_000,
    tokensPerMinute: 100_000_000,
    latencyMs: { min: 150, max: 350 },
  });
  for (let n = 0; n < count; n++) {
    fake.scenario(sha256Hex(photo(n)), {
      content: {
        number: `F-${n}`,
        series: null,
        issuedAt: '2024-05-12',
        currency: 'MXN',
        issuerRfc: 'EKU9003173C9',
        issuerName: 'Proveedor',
        receiverRfc: null,
        receiverName: null,
        uuid: uuidOf(n),
        subtotal: '100.00',
        discount: null,
        transferredTaxes: '16.00',
        withheldTaxes: null,
        total: '116.00',
        paymentForm: null,
        paymentMethod: 'PUE',
      },
    });
  }
  return fake;
}

/** `centinela start` in `dir` with the invoices pointed at the fake; a short lease so a killed run's jobs come back soon. */
async function child(dir: string, fake: FakeOpenAI): Promise<RunningService> {
  const s = await startService({
    cwd: dir,
    args: ['--only', 'http,invoices,maintenance'],
    env: {
      OPENAI_API_KEY: fake.apiKey,
      CENTINELA_INVOICES_OPENAI_BASE_URL: fake.baseURL,
      CENTINELA_INVOICES_OPENAI_REQUESTS_PER_MINUTE: '100000',
      CENTINELA_INVOICES_OPENAI_TOKENS_PER_MINUTE: '100000000',
      CENTINELA_INVOICES_OPENAI_CONCURRENCY: String(CONCURRENCY),
      CENTINELA_QUEUE_LEASE_SECONDS: '2',
      CENTINELA_QUEUE_POLL_MS: '100',
      CENTINELA_LOG_STDOUT: 'false',
      CENTINELA_API_TOKEN: TOKEN,
    },
  });
  running.push(s);
  return s;
}

async function upload(url: string, count: number): Promise<string> {
  const body = new FormData();
  for (let n = 0; n < count; n++)
    body.append('files', new Blob([new Uint8Array(photo(n))], { type: 'image/png' }), `factura-${n}.png`);
  const res = await fetch(`${url}/batches`, { method: 'POST', headers: AUTH, body });
  expect(res.status).toBe(200);
  return ((await res.json()) as { batch_id: string }).batch_id;
}

async function report(
  url: string,
  id: string,
): Promise<{
  total: number;
  completed: number;
  failed: number;
  pending: number;
  is_complete: boolean;
  invoices: Record<string, number>;
}> {
  return (await (await fetch(`${url}/batches/${id}`, { headers: AUTH })).json()) as never;
}

/** Opens the child's SQLite store from the test (WAL: the child may be running). */
async function withStore<T>(dir: string, read: (store: Store) => Promise<T>): Promise<T> {
  const store = await openSpec({ kind: 'sqlite', dataDir: join(dir, 'data') });
  try {
    return await read(store);
  } finally {
    await store.close();
  }
}

async function counts(dir: string): Promise<{
  outcomes: number;
  invoices: number;
  uuids: number;
  links: number;
  linkedFiles: number;
  jobs: Record<string, number>;
}> {
  return withStore(dir, async (store) => {
    const db = withTables<InvoiceTables & OutcomeTables>(store);
    const outcomes = await db.selectFrom('item_outcomes').select('file_id').execute();
    const invoices = await db.selectFrom('invoices').select('uuid').execute();
    const links = await db.selectFrom('invoice_files').select('file_id').execute();
    const jobs = await store.db.selectFrom('jobs').select('state').where('queue', '=', 'invoice.process').execute();
    const byState: Record<string, number> = {};
    for (const j of jobs) byState[j.state] = (byState[j.state] ?? 0) + 1;
    return {
      outcomes: outcomes.length,
      invoices: invoices.length,
      uuids: new Set(invoices.map((i) => i.uuid)).size,
      links: links.length,
      linkedFiles: new Set(links.map((l) => l.file_id)).size,
      jobs: byState,
    };
  });
}

/** Answers of 200 per image: how many images were read, and how many reads were repeats. */
function reads(fake: FakeOpenAI): { images: number; repeats: number } {
  const perImage = new Map<string, number>();
  for (const r of fake.requests)
    if (r.status === 200) for (const h of r.imageHashes) perImage.set(h, (perImage.get(h) ?? 0) + 1);
  return { images: perImage.size, repeats: [...perImage.values()].reduce((s, n) => s + n - 1, 0) };
}

describe('bulk invoice runs', () => {
  it('records every invoice exactly once after a SIGKILL mid-run and a restart', async () => {
    const N = 200;
    openai = await fakeFor(N);
    const dir = tempDir('centinela-bulk-kill-');
    const first = await child(dir, openai);
    const id = await upload(first.url, N);
    await eventually(async () => (await report(first.url, id)).completed >= 40, 'a fifth read', 60_000);
    first.proc.kill('SIGKILL');
    expect((await first.stop('SIGKILL')).signal).toBe('SIGKILL');
    const atKill = await counts(dir);
    expect(atKill.outcomes).toBeGreaterThanOrEqual(40);
    expect(atKill.outcomes).toBeLessThan(N);
    // Killed mid-request: jobs still held by the dead process, their leases not yet expired.
    expect(atKill.jobs.active ?? 0).toBeGreaterThan(0);

    const second = await child(dir, openai);
    await eventually(
      async () => (await report(second.url, id)).completed > atKill.outcomes + 5,
      'reading again',
      30_000,
    );
    // While it runs, `centinela status` (asking the service) shows the batch's progress, pace and time left.
    const status = await runCli(['status'], {
      cwd: dir,
      env: { CENTINELA_HTTP_PORT: String(second.port), CENTINELA_API_TOKEN: TOKEN },
    });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(
      new RegExp(`^batch ${id} \\(http\\): \\d+/${N} done, [\\d.]+/min, about \\d+s left; [\\d.]+ USD so far$`, 'm'),
    );

    await eventually(async () => (await report(second.url, id)).is_complete, 'all read after the restart', 90_000);
    expect(await report(second.url, id)).toMatchObject({
      total: N,
      completed: N,
      failed: 0,
      pending: 0,
      invoices: { ok: N, review: 0, duplicate: 0, error: 0 },
    });
    const after = await counts(dir);
    expect(after).toEqual({ outcomes: N, invoices: N, uuids: N, links: N, linkedFiles: N, jobs: { done: N } });
    // Every image was read; only requests in flight at the kill (at most one per concurrency slot) were sent again.
    const { images, repeats } = reads(openai);
    expect(images).toBe(N);
    expect(repeats).toBeLessThanOrEqual(CONCURRENCY);
  });

  it('stops cleanly on SIGINT and resumes where it stopped, reading no file twice', async () => {
    const N = 120;
    openai = await fakeFor(N);
    const dir = tempDir('centinela-bulk-int-');
    const first = await child(dir, openai);
    const id = await upload(first.url, N);
    await eventually(async () => (await report(first.url, id)).completed >= 30, 'a quarter read', 60_000);
    expect((await first.stop('SIGINT')).code).toBe(0);
    const stopped = await counts(dir);
    // The jobs that were running finished before the exit; the rest wait, none is held.
    expect(stopped.jobs.active ?? 0).toBe(0);
    expect(stopped.outcomes).toBe(stopped.jobs.done);
    expect(stopped.jobs.waiting).toBe(N - stopped.outcomes);
    expect(stopped.outcomes).toBeLessThan(N);
    const answeredBefore = openai.stats.completed;
    expect(answeredBefore).toBe(stopped.outcomes);

    const second = await child(dir, openai);
    await eventually(async () => (await report(second.url, id)).is_complete, 'the rest read after the restart', 90_000);
    expect(await counts(dir)).toEqual({
      outcomes: N,
      invoices: N,
      uuids: N,
      links: N,
      linkedFiles: N,
      jobs: { done: N },
    });
    expect(reads(openai)).toEqual({ images: N, repeats: 0 });
    expect(openai.stats.requests).toBe(N);
    expect((await second.stop('SIGINT')).code).toBe(0);
  });
});
