// Duplicates of every kind: unstamped XML of any CFDI kind, Retenciones included (issue 13 item 6); a photo and a
// PDF of the same foreign invoice without RFC or UUID (issue 14 item 5); and a PDF whose folio fiscal is the
// model's, not its text's, is checked before it is matched (issue 14 item 6).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { normaliseIssuerName } from '../../../src/pipeline/invoices/dedup.ts';
import { parseCfdi } from '../../../src/pipeline/invoices/index.ts';
import { OpenAIClient } from '../../../src/pipeline/invoices/openai/index.ts';
import { sha256Hex, startFakeOpenAI } from '../../fakes/openai/index.ts';
import type { FakeOpenAI } from '../../fakes/openai/index.ts';
import { invoiceRunner } from '../../support/invoice-job.ts';
import { PNG_HEADER, textPdf } from '../../support/invoice-data.ts';
import { REPO } from '../../support/service.ts';
import { STORE_KINDS, createTestStore, quietLog } from '../../support/stores.ts';
import type { TestStore } from '../../support/stores.ts';

const FIXTURES = join(REPO, 'test/fixtures/cfdi');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
let testStore: TestStore | null = null;
let openai: FakeOpenAI | null = null;

afterEach(async () => {
  await testStore?.cleanup();
  await openai?.close();
  testStore = null;
  openai = null;
});

async function client(fake: FakeOpenAI): Promise<OpenAIClient> {
  return new OpenAIClient({
    apiKey: fake.apiKey,
    baseURL: fake.baseURL,
    requestsPerMinute: 500,
    tokensPerMinute: 200_000,
    concurrency: 2,
    timeoutMs: 5000,
    log: await quietLog(),
    backoff: { minMs: 1, maxMs: 5 },
  });
}

describe.each(STORE_KINDS)('unstamped XML duplicates on %s', (kind) => {
  it('makes one record of copies of an unstamped Retenciones or CFDI, and keeps different documents apart', async () => {
    testStore = await createTestStore(kind);
    const run = await invoiceRunner(testStore.store, testStore.spec.dataDir);
    const retenciones = fixture('retenciones/retenciones20.xml');
    // Copies with other bytes (a line end more), so the intake's byte check does not catch them.
    const outcomes = [];
    for (const copy of [retenciones, `${retenciones}\n`, `${retenciones}\n\n`])
      outcomes.push((await run.run('retencion.xml', copy)).outcomes.map((o) => o.outcome));
    expect(outcomes).toEqual([['review'], ['duplicate'], ['duplicate']]);
    const withDiscounts = fixture('created-with-discounts-40.xml');
    const first = await run.run('a.xml', withDiscounts);
    const second = await run.run('b.xml', `${withDiscounts}\n`);
    expect(second.outcomes[0]).toMatchObject({ outcome: 'duplicate', record_id: first.outcomes[0]?.record_id });
    expect(second.outcomes[0]?.reason).toMatch(
      /^the same as invoice #\d+ \(not stamped: the same invoice XML by issuer EKU9003173C9, issued 2023-06-18T19:20:21, total 3248.00\), recorded before$/,
    );
    // Another unstamped document (other time, other total) is its own record.
    const other = await run.run(
      'c.xml',
      withDiscounts.replace('Fecha="2023-06-18T19:20:21"', 'Fecha="2023-06-18T19:20:22"'),
    );
    expect(other.outcomes[0]?.outcome).toBe('review');
    const rows = await run.invoices.db.selectFrom('invoices').select(['kind', 'status']).orderBy('id').execute();
    expect(rows).toEqual([
      { kind: 'retenciones', status: 'review' },
      { kind: 'invoice', status: 'review' },
      { kind: 'invoice', status: 'review' },
    ]);
  });
});

describe('probable duplicates without RFC or UUID', () => {
  it('normalises issuer names: case, accents, punctuation and the company form', () => {
    expect(normaliseIssuerName('Flipkart Internet Pvt. Ltd.')).toBe('FLIPKART INTERNET');
    expect(normaliseIssuerName('FLIPKART INTERNET PRIVATE LIMITED')).toBe('FLIPKART INTERNET');
    expect(normaliseIssuerName('Papelería Núñez, S.A. de C.V.')).toBe('PAPELERIA NUNEZ');
    expect(normaliseIssuerName('ACME TOOLS, INC')).toBe(normaliseIssuerName('Acme Tools Inc.'));
    expect(normaliseIssuerName('Acme Tools Inc.')).not.toBe(normaliseIssuerName('Acme Toys Inc.'));
  });

  it('sends a PDF of a foreign invoice already read from its photo to review, naming the first', async () => {
    openai = await startFakeOpenAI();
    testStore = await createTestStore('sqlite');
    const run = await invoiceRunner(testStore.store, testStore.spec.dataDir, await client(openai));
    const photo = Buffer.concat([PNG_HEADER, Buffer.from('a photographed foreign invoice')]);
    const fields = {
      series: null,
      issuedAt: '2024-03-04',
      currency: 'USD',
      issuerRfc: null,
      receiverRfc: null,
      receiverName: null,
      uuid: null,
      discount: null,
      transferredTaxes: null,
      withheldTaxes: null,
      paymentForm: null,
      paymentMethod: null,
    };
    openai.scenario(sha256Hex(photo), {
      content: { ...fields, number: 'INV-2291', issuerName: 'Acme Tools Inc.', subtotal: '319.00', total: '319.00' },
    });
    const read = await run.run('foto.png', photo, 'photo');
    expect(read.outcomes.map((o) => o.outcome)).toEqual(['ok']);

    const pdf = textPdf([
      'ACME TOOLS, INC',
      'Invoice # INV-2291',
      'Invoice Date: 2024-03-04',
      'Subtotal USD 319.00',
      'Total USD 319.00',
    ]);
    openai.fallback({
      content: { ...fields, number: 'INV-2291', issuerName: 'ACME TOOLS, INC', subtotal: '319.00', total: '319.00' },
    });
    const again = await run.run('factura.pdf', pdf);
    expect(again.outcomes[0]).toMatchObject({
      outcome: 'review',
      reason: `probably a duplicate of invoice #${read.outcomes[0]?.record_id} (same issuer, number, total and date)`,
    });
    // A different number from the same issuer is another invoice.
    openai.fallback({
      content: { ...fields, number: 'INV-2292', issuerName: 'ACME TOOLS, INC', subtotal: '319.00', total: '319.00' },
    });
    const next = await run.run(
      'otra.pdf',
      textPdf([
        'ACME TOOLS, INC',
        'Invoice # INV-2292',
        'Invoice Date: 2024-03-04',
        'Total USD 319.00 Subtotal 319.00',
      ]),
    );
    expect(next.outcomes.map((o) => o.outcome)).toEqual(['ok']);
  });

  it("checks a PDF's folio fiscal against its text before matching it: the model's UUID makes no duplicate", async () => {
    openai = await startFakeOpenAI();
    testStore = await createTestStore('sqlite');
    const run = await invoiceRunner(testStore.store, testStore.spec.dataDir, await client(openai));
    const xml = fixture('cfdi40-real.xml');
    const parsed = parseCfdi(xml);
    if (parsed.kind !== 'cfdi') throw new Error('fixture is a CFDI');
    const c = parsed.document;
    const stored = await run.run('factura.xml', xml);
    expect(stored.outcomes.map((o) => o.outcome)).toEqual(['ok']);
    // The PDF shows another invoice of the same issuer; the model answers with the stored invoice's UUID.
    const pdf = textPdf([
      `RFC Emisor: ${c.issuer.rfc}`,
      'Factura No. Z-9',
      'Fecha 2024-05-12',
      'Subtotal 100.00',
      'IVA 16.00',
      'Total 116.00',
    ]);
    openai.fallback({
      content: {
        number: 'Z-9',
        series: null,
        issuedAt: '2024-05-12',
        currency: 'MXN',
        issuerRfc: c.issuer.rfc,
        issuerName: null,
        receiverRfc: null,
        receiverName: null,
        uuid: c.uuid,
        subtotal: '100.00',
        discount: null,
        transferredTaxes: '16.00',
        withheldTaxes: null,
        total: '116.00',
        paymentForm: null,
        paymentMethod: null,
      },
    });
    const pdfRead = await run.run('otra.pdf', pdf);
    expect(pdfRead.outcomes[0]?.outcome).toBe('review');
    expect(pdfRead.outcomes[0]?.record_id).not.toBe(stored.outcomes[0]?.record_id);
    expect(pdfRead.outcomes[0]?.reason).toBe(`the folio fiscal (UUID) ${c.uuid} is not in the PDF text`);
    const row = await run.invoices.db
      .selectFrom('invoices')
      .selectAll()
      .where('id', '=', pdfRead.outcomes[0]?.record_id ?? 0)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ uuid: null, number: 'Z-9', total: '116.00' });
    expect((JSON.parse(row.data) as { fields: { uuid: string } }).fields.uuid).toBe(c.uuid);
  });
});
