// With OPENAI_API_KEY: a photo read by vision and validated; out of credit, invoices wait, the admins are told,
// and the work goes on by itself once credit is back.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { englishProblems } from '../../../support/english.ts';
import { RetryAfter } from '../../../../src/core/queue/index.ts';
import type { HandlerContext, Job } from '../../../../src/core/queue/index.ts';
import { startService } from '../../../../src/main.ts';
import type { Service } from '../../../../src/main.ts';
import { IntakeRecords } from '../../../../src/pipeline/intake/index.ts';
import type { FileRow } from '../../../../src/pipeline/intake/index.ts';
import {
  InvoiceRecords,
  OutcomeRecords,
  OUTAGE_WAIT_S,
  QUOTA_WAIT_S,
  processHandler,
} from '../../../../src/pipeline/invoices/index.ts';
import { OpenAIClient } from '../../../../src/pipeline/invoices/openai/index.ts';
import { sha256Hex, startFakeOpenAI } from '../../../fakes/openai/index.ts';
import type { FakeOpenAI } from '../../../fakes/openai/index.ts';
import { PNG_HEADER } from '../../../support/invoice-data.ts';
import { tempDir } from '../../../support/service.ts';
import { createTestStore, eventually, quietLog } from '../../../support/stores.ts';
import type { TestStore } from '../../../support/stores.ts';

let service: Service | null = null;
let openai: FakeOpenAI | null = null;
let testStore: TestStore | null = null;

afterEach(async () => {
  await service?.stop('test over');
  await openai?.close();
  await testStore?.cleanup();
  service = null;
  openai = null;
  testStore = null;
});

async function start(fake: FakeOpenAI, baseUrl = fake.baseURL): Promise<{ url: string }> {
  service = await startService({
    cwd: tempDir('centinela-openai-'),
    env: {
      OPENAI_API_KEY: fake.apiKey,
      CENTINELA_INVOICES_OPENAI_BASE_URL: baseUrl,
      CENTINELA_TELEGRAM_ADMIN_CHATS: '[1001]',
      CENTINELA_HTTP_PORT: '0',
      CENTINELA_LOG_STDOUT: 'false',
      CENTINELA_QUEUE_POLL_MS: '100',
      CENTINELA_API_TOKEN: 'test-token-0123456789',
    },
  });
  return { url: service.http?.url ?? '' };
}

async function upload(url: string, name: string, bytes: Buffer): Promise<void> {
  const body = new FormData();
  body.append('files', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), name);
  const res = await fetch(`${url}/batches`, {
    method: 'POST',
    headers: { authorization: 'Bearer test-token-0123456789' },
    body,
  });
  expect(res.status).toBe(200);
}

const photo = Buffer.concat([PNG_HEADER, Buffer.from('a photographed invoice')]);

describe('invoices with OpenAI', () => {
  it('reads a photo with vision, normalises and validates it', async () => {
    openai = await startFakeOpenAI();
    openai.scenario(sha256Hex(photo), {
      content: {
        number: 'A-77',
        series: null,
        issuedAt: '2024-05-12',
        currency: 'MXN',
        issuerRfc: 'eku9003173c9',
        issuerName: 'Proveedor',
        receiverRfc: null,
        receiverName: null,
        uuid: null,
        subtotal: '1,000.00',
        discount: null,
        transferredTaxes: '160.00',
        withheldTaxes: null,
        total: '1160',
        paymentForm: null,
        paymentMethod: 'PUE',
      },
    });
    const { url } = await start(openai);
    await upload(url, 'foto.png', photo);
    const invoices = new InvoiceRecords(service!.store);
    await eventually(
      async () => (await invoices.db.selectFrom('invoices').selectAll().execute()).length === 1,
      'invoice read',
    );
    const [row] = await invoices.db.selectFrom('invoices').selectAll().execute();
    expect(row).toMatchObject({
      status: 'ok',
      source: 'vision',
      issuer_rfc: 'EKU9003173C9',
      number: 'A-77',
      subtotal: '1000.00',
      transferred: '160.00',
      total: '1160.00',
    });
    const request = openai.requests.find((r) => r.status === 200);
    expect(request?.imageHashes).toEqual([sha256Hex(photo)]);
  });

  it('takes the base URL without its /v1 too', async () => {
    openai = await startFakeOpenAI();
    openai.scenario(sha256Hex(photo), {
      content: {
        number: 'A-78',
        issuedAt: '2024-05-12',
        issuerRfc: 'EKU9003173C9',
        subtotal: '1000.00',
        transferredTaxes: '160.00',
        total: '1160.00',
      },
    });
    const { url } = await start(openai, openai.baseURL.replace(/\/v1$/, ''));
    await upload(url, 'foto.png', photo);
    const invoices = new InvoiceRecords(service!.store);
    await eventually(
      async () => (await invoices.db.selectFrom('invoices').selectAll().execute()).length === 1,
      'invoice read',
    );
    const [row] = await invoices.db.selectFrom('invoices').selectAll().execute();
    expect(row).toMatchObject({ number: 'A-78', total: '1160.00' });
    expect(openai.requests.map((r) => r.status)).toEqual([200]);
  });

  it('an answer that breaks the schema is asked again, then the invoice goes to review saying what was wrong', async () => {
    openai = await startFakeOpenAI();
    // No subtotal at all (not even null), and a total as a number: what a compatible server without strict mode may send.
    openai.scenario(sha256Hex(photo), {
      content: {
        number: 'A-77',
        series: null,
        issuedAt: '2024-05-12',
        currency: 'MXN',
        issuerRfc: 'EKU9003173C9',
        issuerName: 'Proveedor',
        receiverRfc: null,
        receiverName: null,
        uuid: null,
        discount: null,
        transferredTaxes: '160.00',
        withheldTaxes: null,
        total: '1160.00',
        paymentForm: null,
        paymentMethod: 'PUE',
      },
      breaksSchema: true,
    });
    const { url } = await start(openai);
    await upload(url, 'foto.png', photo);
    const invoices = new InvoiceRecords(service!.store);
    await eventually(
      async () => (await invoices.db.selectFrom('invoices').selectAll().execute()).length === 1,
      'invoice recorded',
    );
    const [row] = await invoices.db.selectFrom('invoices').selectAll().execute();
    expect(row).toMatchObject({ status: 'review', source: 'vision', subtotal: null, total: null });
    expect(englishProblems(row?.problems ?? '[]')).toEqual([
      "the model's answer does not match the schema: subtotal is missing (after 6 attempts)",
    ]);
    expect(openai.stats.requests).toBe(6);
  });

  it('keeps invoices waiting, not failed, when the account is out of credit, and alerts the admins once', async () => {
    openai = await startFakeOpenAI();
    openai.mode('insufficient_quota');
    const { url } = await start(openai);
    await upload(url, 'uno.png', photo);
    await upload(url, 'dos.png', Buffer.concat([photo, Buffer.from('2')]));
    await eventually(
      async () =>
        (await service!.queue.list({ queue: 'invoice.process', states: ['waiting'] })).filter((j) =>
          j.lastError?.includes('credit'),
        ).length === 2,
      'both waiting for credit',
    );
    expect(await service!.queue.list({ queue: 'invoice.process', states: ['failed', 'dead'] })).toHaveLength(0);
    const alerts = async (): Promise<unknown[]> =>
      service!.store.db
        .selectFrom('outbox' as never)
        .selectAll()
        .execute();
    await eventually(async () => (await alerts()).length > 0, 'alert queued');
    await new Promise((r) => setTimeout(r, 300));
    expect(await alerts()).toHaveLength(1);
    expect(JSON.stringify((await alerts())[0])).toContain('out of credit');
  });
});

describe('out of credit, then credit again', () => {
  it('asks OpenAI again by itself once the wait is over, and reads the invoice when credit is back', async () => {
    openai = await startFakeOpenAI();
    openai.scenario(sha256Hex(photo), {
      content: {
        number: 'A-77',
        issuedAt: '2024-05-12',
        issuerRfc: 'EKU9003173C9',
        subtotal: '1000.00',
        transferredTaxes: '160.00',
        total: '1160.00',
      },
    });
    openai.mode('insufficient_quota');
    testStore = await createTestStore('sqlite');
    const { store, spec } = testStore;
    const log = await quietLog();
    const client = new OpenAIClient({
      apiKey: openai.apiKey,
      baseURL: openai.baseURL,
      requestsPerMinute: 500,
      tokensPerMinute: 200_000,
      concurrency: 2,
      timeoutMs: 5000,
      log,
      backoff: { minMs: 1, maxMs: 5 },
    });
    let now = Date.UTC(2026, 0, 5, 14, 0, 0);
    const files = new IntakeRecords(store);
    const outcomes = new OutcomeRecords(store);
    const handler = processHandler({
      dataDir: spec.dataDir,
      maxBytes: 1024 * 1024,
      openai: client,
      intakeRecords: files,
      invoices: new InvoiceRecords(store),
      outcomes,
      csvColumns: { total: 'total' },
      now: () => now,
    });
    mkdirSync(join(spec.dataDir, 'incoming'), { recursive: true });
    const path = join(spec.dataDir, 'incoming', 'foto.png');
    writeFileSync(path, photo);
    const sha256 = createHash('sha256').update(photo).digest('hex');
    const [file] = (
      await files.recordUpload({ source: 'http', purpose: 'invoice', tags: {} }, [
        { kind: 'photo', fileName: 'foto.png', mimeType: 'image/png', size: photo.length, path, sha256 },
      ])
    ).files as [FileRow];
    const ctx: HandlerContext<{ fileId: number }> = {
      job: job(file.id),
      signal: new AbortController().signal,
      heartbeat: async () => {},
      leaseMs: 60_000,
      log,
    };

    await expect(handler(ctx)).rejects.toBeInstanceOf(RetryAfter);
    expect(openai.stats.requests).toBe(1);
    openai.mode('normal'); // someone adds credit
    // Before the wait is over the client still sends nothing: the job waits again.
    now += (QUOTA_WAIT_S - 1) * 1000;
    await expect(handler(ctx)).rejects.toThrow(/waiting for OpenAI credit/);
    expect(openai.stats.requests).toBe(1);
    now += 1000;
    await handler(ctx);
    expect(openai.stats.requests).toBe(2);
    expect((await outcomes.forFile(file.id)).map((o) => o.outcome)).toEqual(['ok']);
  });
});

describe('OpenAI failing for everyone', () => {
  it('keeps the invoice waiting (its attempt given back), not failed, and reads it once OpenAI answers', async () => {
    openai = await startFakeOpenAI();
    openai.scenario(sha256Hex(photo), {
      content: {
        number: 'A-77',
        issuedAt: '2024-05-12',
        issuerRfc: 'EKU9003173C9',
        subtotal: '1000.00',
        transferredTaxes: '160.00',
        total: '1160.00',
      },
    });
    openai.mode({ status: 500 });
    testStore = await createTestStore('sqlite');
    const { store, spec } = testStore;
    const log = await quietLog();
    const client = new OpenAIClient({
      apiKey: openai.apiKey,
      baseURL: openai.baseURL,
      requestsPerMinute: 500,
      tokensPerMinute: 200_000,
      concurrency: 2,
      timeoutMs: 5000,
      log,
      backoff: { minMs: 1, maxMs: 5 },
    });
    const files = new IntakeRecords(store);
    const outcomes = new OutcomeRecords(store);
    const handler = processHandler({
      dataDir: spec.dataDir,
      maxBytes: 1024 * 1024,
      openai: client,
      intakeRecords: files,
      invoices: new InvoiceRecords(store),
      outcomes,
      csvColumns: { total: 'total' },
    });
    mkdirSync(join(spec.dataDir, 'incoming'), { recursive: true });
    const path = join(spec.dataDir, 'incoming', 'foto.png');
    writeFileSync(path, photo);
    const sha256 = createHash('sha256').update(photo).digest('hex');
    const [file] = (
      await files.recordUpload({ source: 'http', purpose: 'invoice', tags: {} }, [
        { kind: 'photo', fileName: 'foto.png', mimeType: 'image/png', size: photo.length, path, sha256 },
      ])
    ).files as [FileRow];
    // Its last attempt: a failure now would be recorded as an error outcome.
    const ctx: HandlerContext<{ fileId: number }> = {
      job: { ...job(file.id), attempts: 5 },
      signal: new AbortController().signal,
      heartbeat: async () => {},
      leaseMs: 60_000,
      log,
    };

    const err = await handler(ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryAfter);
    expect((err as RetryAfter).seconds).toBe(OUTAGE_WAIT_S);
    expect((err as Error).message).toMatch(/failing for everyone/);
    expect(openai.stats.requests).toBe(6);
    expect(await outcomes.forFile(file.id)).toEqual([]);
    openai.mode('normal');
    await handler(ctx);
    expect((await outcomes.forFile(file.id)).map((o) => o.outcome)).toEqual(['ok']);
  });
});

function job(fileId: number): Job<{ fileId: number }> {
  const t = Date.now();
  return {
    id: fileId,
    queue: 'invoice.process',
    payload: { fileId },
    key: `invoice.process:${fileId}`,
    state: 'active',
    priority: 0,
    runAt: t,
    attempts: 1,
    maxAttempts: 5,
    backoff: { baseMs: 10, capMs: 40 },
    leaseUntil: t + 60_000,
    worker: 'test',
    lastError: null,
    createdAt: t,
    updatedAt: t,
    finishedAt: null,
  };
}
