// With OPENAI_API_KEY: a scanned PDF goes to review without asking the model; each batch's tokens are priced
// with the configured prices and shown in GET /batches/:id, the Telegram summary and /batch; a running batch shows
// its pace and time left in the status.
import { afterEach, describe, expect, it } from 'vitest';
import { startService } from '../../../src/main.ts';
import type { Service } from '../../../src/main.ts';
import { NO_TEXT_LAYER_WITH_VISION as NO_TEXT_LAYER_WITH_VISION_MESSAGE } from '../../../src/pipeline/invoices/index.ts';
import { formatStatus } from '../../../src/status.ts';
import { sha256Hex, startFakeOpenAI } from '../../fakes/openai/index.ts';
import type { FakeOpenAI } from '../../fakes/openai/index.ts';
import { startFakeBotApi } from '../../fakes/telegram/index.ts';
import type { FakeBotApi } from '../../fakes/telegram/index.ts';
import { STAFF, botEnv, textOf } from '../../support/bot-service.ts';
import { PNG_HEADER, imageOnlyPdf, invoicePdf } from '../../support/invoice-data.ts';
import { tempDir } from '../../support/service.ts';
import { eventually } from '../../support/stores.ts';
import { render } from '../../../src/core/messages.ts';
import { english } from '../../../src/locales/index.ts';

// Kept as messages: their English words, as an English reader sees them.
const NO_TEXT_LAYER_WITH_VISION = render(NO_TEXT_LAYER_WITH_VISION_MESSAGE, english);

const TOKEN = 'test-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };
let service: Service | null = null;
let openai: FakeOpenAI | null = null;
let telegram: FakeBotApi | null = null;

afterEach(async () => {
  await service?.stop('test over');
  await openai?.close();
  await telegram?.close();
  service = null;
  openai = null;
  telegram = null;
});

const photo = (n: number): Buffer => Buffer.concat([PNG_HEADER, Buffer.from(`photographed invoice ${n}`)]);

/** What the model reads from a photo: a valid invoice, or (bad sum) one that must go to review. */
function reading(n: number, addsUp = true): Record<string, string | null> {
  return {
    number: `F-${n}`,
    series: null,
    issuedAt: '2024-05-12',
    currency: 'MXN',
    issuerRfc: 'EKU9003173C9',
    issuerName: 'Proveedor',
    receiverRfc: null,
    receiverName: null,
    uuid: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    subtotal: '100.00',
    discount: null,
    transferredTaxes: '16.00',
    withheldTaxes: null,
    total: addsUp ? '116.00' : '120.00',
    paymentForm: null,
    paymentMethod: 'PUE',
  };
}

function openaiEnv(fake: FakeOpenAI, extra: Record<string, string> = {}): Record<string, string> {
  return {
    OPENAI_API_KEY: fake.apiKey,
    CENTINELA_INVOICES_OPENAI_BASE_URL: fake.baseURL,
    CENTINELA_HTTP_PORT: '0',
    CENTINELA_LOG_STDOUT: 'false',
    CENTINELA_QUEUE_POLL_MS: '100',
    CENTINELA_API_TOKEN: TOKEN,
    ...extra,
  };
}

async function upload(url: string, files: Array<{ name: string; bytes: Buffer; type: string }>): Promise<string> {
  const body = new FormData();
  for (const f of files) body.append('files', new Blob([new Uint8Array(f.bytes)], { type: f.type }), f.name);
  const res = await fetch(`${url}/batches`, { method: 'POST', headers: AUTH, body });
  expect(res.status).toBe(200);
  return ((await res.json()) as { batch_id: string }).batch_id;
}

async function report(url: string, id: string): Promise<Record<string, unknown>> {
  return (await (await fetch(`${url}/batches/${id}`, { headers: AUTH })).json()) as Record<string, unknown>;
}

describe('invoices read by OpenAI: scans, cost and progress', () => {
  it('sends a scan to review saying why without asking the model, and prices the batch with the configured prices', async () => {
    openai = await startFakeOpenAI();
    openai.scenario(sha256Hex(photo(1)), { content: reading(1), promptTokens: 1000, completionTokens: 100 });
    openai.scenario(sha256Hex(photo(2)), { content: reading(2, false), promptTokens: 900, completionTokens: 90 });
    // The PDF's text (no image): what it says, as the model would read it.
    openai.fallback({
      content: {
        ...reading(3),
        number: 'A-123',
        uuid: null,
        issuedAt: '2024-05-12',
        receiverRfc: 'XAXX010101000',
        subtotal: '1000.00',
        transferredTaxes: '160.00',
        total: '1160.00',
      },
      promptTokens: 400,
      completionTokens: 50,
    });
    service = await startService({
      cwd: tempDir('centinela-cost-'),
      only: ['http', 'invoices'],
      env: openaiEnv(openai, {
        CENTINELA_INVOICES_PRICE_PER_MILLION_TOKENS_INPUT: '2.5',
        CENTINELA_INVOICES_PRICE_PER_MILLION_TOKENS_OUTPUT: '10',
        CENTINELA_INVOICES_PRICE_CURRENCY: 'MXN',
      }),
    });
    const url = service.http?.url ?? '';
    const id = await upload(url, [
      { name: 'escaneo.pdf', bytes: imageOnlyPdf(), type: 'application/pdf' },
      { name: 'factura.pdf', bytes: invoicePdf(), type: 'application/pdf' },
      { name: 'uno.png', bytes: photo(1), type: 'image/png' },
      { name: 'dos.png', bytes: photo(2), type: 'image/png' },
    ]);
    let r: Record<string, unknown> = {};
    await eventually(async () => (r = await report(url, id)).is_complete === true, 'batch read');
    // 2,300 input tokens at 2.5 MXN a million + 240 output at 10: 0.00575 + 0.0024.
    expect(r).toMatchObject({
      total: 4,
      completed: 2,
      review: 2,
      invoices: { ok: 2, review: 2, duplicate: 0, error: 0 },
      cost: { input_tokens: 2300, output_tokens: 240, amount: '0.008150', currency: 'MXN' },
      eta_seconds: 0,
    });
    const files = r.files as Array<{ name: string; status: string; reason: string | null }>;
    expect(files.find((f) => f.name === 'escaneo.pdf')).toMatchObject({
      status: 'review',
      reason: NO_TEXT_LAYER_WITH_VISION,
    });
    expect(files.find((f) => f.name === 'dos.png')?.reason).toMatch(/^the amounts do not add up/);
    // The scan was never sent: one request per photo and one for the PDF's text.
    expect(openai.stats.requests).toBe(3);
    expect(openai.requests.filter((q) => q.imageHashes.length === 0)).toHaveLength(1);
  });

  it('shows a running batch in the status with its pace and the time left', async () => {
    openai = await startFakeOpenAI({ latencyMs: 700 });
    for (const n of [1, 2, 3, 4]) openai.scenario(sha256Hex(photo(n)), { content: reading(n) });
    service = await startService({
      cwd: tempDir('centinela-eta-'),
      only: ['http', 'invoices'],
      env: openaiEnv(openai, { CENTINELA_INVOICES_OPENAI_CONCURRENCY: '1' }),
    });
    const url = service.http?.url ?? '';
    const id = await upload(
      url,
      [1, 2, 3, 4].map((n) => ({ name: `f${n}.png`, bytes: photo(n), type: 'image/png' })),
    );
    await eventually(async () => ((await report(url, id)).completed as number) >= 1, 'first invoice read');
    const status = await service.status();
    const [batch] = status.batches ?? [];
    expect(batch).toMatchObject({ batch_id: id, source: 'http', total: 4 });
    expect(batch?.done).toBeGreaterThanOrEqual(1);
    expect(batch?.done).toBeLessThan(4);
    expect(batch?.rate_per_minute).toBeGreaterThan(0);
    expect(batch?.eta_seconds).toBeGreaterThan(0);
    // Tokens so far, priced with the config's prices (the service passes them); a report without them shows tokens.
    expect(batch?.input_tokens).toBeGreaterThan(0);
    expect(formatStatus(status)).toMatch(
      new RegExp(`^batch ${id} \\(http\\): [123]/4 done, [\\d.]+/min, about \\d+s left; [\\d.]+ USD so far$`, 'm'),
    );
    const unpriced = { ...status, batches: status.batches?.map(({ cost: _cost, ...b }) => b) };
    expect(formatStatus(unpriced)).toMatch(new RegExp(`^batch ${id} \\(http\\): .* left; \\d+ tokens so far$`, 'm'));
    const prices = { inputPerMillion: 1_000_000, outputPerMillion: 0, currency: 'MXN' }; // 1 MXN a token: the count shows
    expect(formatStatus(unpriced, { prices })).toContain(`left; ${batch?.input_tokens}.0000 MXN so far`);
    await eventually(async () => (await report(url, id)).is_complete === true, 'batch read');
    expect((await service.status()).batches).toEqual([]);
  });

  it('says in the Telegram summary and in /batch what the invoices became and what they cost', async () => {
    openai = await startFakeOpenAI();
    openai.scenario(sha256Hex(photo(1)), { content: reading(1), promptTokens: 1000, completionTokens: 100 });
    openai.scenario(sha256Hex(photo(2)), { content: reading(2), promptTokens: 1000, completionTokens: 100 });
    openai.scenario(sha256Hex(photo(3)), { content: reading(3, false), promptTokens: 1000, completionTokens: 100 });
    telegram = await startFakeBotApi();
    const dir = tempDir('centinela-summary-');
    service = await startService({
      cwd: dir,
      only: ['http', 'bot', 'invoices'],
      env: { ...botEnv(telegram, dir), ...openaiEnv(openai) },
    });
    telegram.album(
      STAFF,
      [1, 2, 3].map((n) => ({
        kind: 'document' as const,
        file: { bytes: photo(n), fileName: `foto-${n}.png`, mimeType: 'image/png' },
      })),
    );
    const summary = await telegram.waitFor(
      (c) => c.params.chat_id === STAFF.id && textOf(c).includes('terminado'),
      20_000,
    );
    const text = textOf(summary);
    expect(text).toMatch(/^Lote (b_[0-9a-f]{8}) terminado: 3 guardados, 0 repetidos, 0 con problemas\./);
    expect(text).toContain('\nFacturas: 2 correctas, 1 para revisar, 0 repetidas, 0 con error.');
    // 3,000 input tokens at 0.15 USD a million and 300 output at 0.60: 0.00063 USD.
    expect(text).toContain('\nCosto: 3300 tokens ≈ 0.0006 USD');
    expect(text).toMatch(/\n• #\d+ foto-3\.png: para revisar — los importes no cuadran/);

    const batchId = /^Lote (b_[0-9a-f]{8})/.exec(text)?.[1] as string;
    telegram.command(STAFF, `/batch ${batchId}`);
    const answer = textOf(
      await telegram.waitFor((c) => c.params.chat_id === STAFF.id && textOf(c).startsWith(batchId)),
    );
    expect(answer).toContain(`${batchId} (telegram, terminado): 3 de 3 hechos (100 %)`);
    expect(answer).toContain('facturas: 2 correctas, 1 para revisar, 0 repetidas, 0 con error');
    expect(answer).toContain('costo: 3000 tokens de entrada + 300 de salida ≈ 0.0006 USD');
  });
});
