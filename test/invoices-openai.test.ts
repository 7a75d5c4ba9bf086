// With OPENAI_API_KEY: a photo read by vision and validated; out of credit, invoices wait and the admins are told.
import { afterEach, describe, expect, it } from 'vitest';
import { startService } from '../src/main.ts';
import type { Service } from '../src/main.ts';
import { InvoiceRecords } from '../src/pipeline/invoices/index.ts';
import { sha256Hex, startFakeOpenAI } from './fakes/openai/index.ts';
import type { FakeOpenAI } from './fakes/openai/index.ts';
import { PNG_HEADER } from './support/invoice-data.ts';
import { tempDir } from './support/service.ts';
import { eventually } from './support/stores.ts';

let service: Service | null = null;
let openai: FakeOpenAI | null = null;

afterEach(async () => {
  await service?.stop('test over');
  await openai?.close();
  service = null;
  openai = null;
});

async function start(fake: FakeOpenAI): Promise<{ url: string }> {
  service = await startService({
    cwd: tempDir('centinela-openai-'),
    env: {
      OPENAI_API_KEY: fake.apiKey,
      CENTINELA_INVOICES_OPENAI_BASE_URL: fake.baseURL,
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
  const res = await fetch(`${url}/batches`, { method: 'POST', headers: { authorization: 'Bearer test-token-0123456789' }, body });
  expect(res.status).toBe(200);
}

const photo = Buffer.concat([PNG_HEADER, Buffer.from('a photographed invoice')]);

describe('invoices with OpenAI', () => {
  it('reads a photo with vision, normalises and validates it', async () => {
    openai = await startFakeOpenAI();
    openai.scenario(sha256Hex(photo), {
      content: {
        number: 'A-77', series: null, issuedAt: '2024-05-12', currency: 'MXN', issuerRfc: 'eku9003173c9', issuerName: 'Proveedor',
        receiverRfc: null, receiverName: null, uuid: null, subtotal: '1,000.00', discount: null, transferredTaxes: '160.00',
        withheldTaxes: null, total: '1160', paymentForm: null, paymentMethod: 'PUE',
      },
    });
    const { url } = await start(openai);
    await upload(url, 'foto.png', photo);
    const invoices = new InvoiceRecords(service!.store);
    await eventually(async () => (await invoices.db.selectFrom('invoices').selectAll().execute()).length === 1, 'invoice read');
    const [row] = await invoices.db.selectFrom('invoices').selectAll().execute();
    expect(row).toMatchObject({ status: 'ok', source: 'vision', issuer_rfc: 'EKU9003173C9', number: 'A-77', subtotal: '1000.00', transferred: '160.00', total: '1160.00' });
    const request = openai.requests.find((r) => r.status === 200);
    expect(request?.imageHashes).toEqual([sha256Hex(photo)]);
  });

  it('keeps invoices waiting, not failed, when the account is out of credit, and alerts the admins once', async () => {
    openai = await startFakeOpenAI();
    openai.mode('insufficient_quota');
    const { url } = await start(openai);
    await upload(url, 'uno.png', photo);
    await upload(url, 'dos.png', Buffer.concat([photo, Buffer.from('2')]));
    await eventually(async () => (await service!.queue.list({ queue: 'invoice.process', states: ['waiting'] })).filter((j) => j.lastError?.includes('credit')).length === 2, 'both waiting for credit');
    expect(await service!.queue.list({ queue: 'invoice.process', states: ['failed', 'dead'] })).toHaveLength(0);
    const alerts = async (): Promise<unknown[]> => service!.store.db.selectFrom('outbox' as never).selectAll().execute();
    await eventually(async () => (await alerts()).length > 0, 'alert queued');
    await new Promise((r) => setTimeout(r, 300));
    expect(await alerts()).toHaveLength(1);
    expect(JSON.stringify((await alerts())[0])).toContain('out of credit');
  });
});
