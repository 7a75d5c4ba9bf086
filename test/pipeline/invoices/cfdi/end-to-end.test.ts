// CFDI invoices end to end: sent to the bot, stored, parsed into the invoices table; the same invoice in two
// files is one invoice; a broken file is quarantined with its meta file and can be retried.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  InvoiceRecords,
  NO_TEXT_LAYER as NO_TEXT_LAYER_MESSAGE,
  parseCfdi,
} from '../../../../src/pipeline/invoices/index.ts';
import type { Service } from '../../../../src/main.ts';
import { startFakeBotApi } from '../../../fakes/telegram/index.ts';
import type { FakeBotApi } from '../../../fakes/telegram/index.ts';
import { ADMIN, STAFF, startBotService, textOf } from '../../../support/bot-service.ts';
import { REPO } from '../../../support/service.ts';
import { eventually } from '../../../support/stores.ts';
import { INVOICE_LINES, imageOnlyPdf, invoicePdf, textPdf, windowsExecutable } from '../../../support/invoice-data.ts';
import { render } from '../../../../src/core/messages.ts';
import { english } from '../../../../src/locales/index.ts';

// Kept as messages: their English words, as an English reader sees them.
const NO_TEXT_LAYER = render(NO_TEXT_LAYER_MESSAGE, english);

const FIXTURES = join(REPO, 'test/fixtures/cfdi');
let fake: FakeBotApi | null = null;
let service: Service | null = null;

afterEach(async () => {
  await service?.stop('test over');
  await fake?.close();
  service = null;
  fake = null;
});

const xml = (name: string): Buffer => readFileSync(join(FIXTURES, name));

describe('CFDI invoices through the bot', () => {
  it('records a CFDI 4.0 sent by staff with its UUID, parties and totals', async () => {
    fake = await startFakeBotApi();
    service = (await startBotService(fake)).service;
    const invoices = new InvoiceRecords(service.store);
    fake.document(STAFF, { bytes: xml('cfdi40-real.xml'), fileName: 'factura.xml', mimeType: 'text/xml' });
    await eventually(
      async () => (await invoices.db.selectFrom('invoices').selectAll().execute()).length === 1,
      'invoice recorded',
    );
    const [row] = await invoices.db.selectFrom('invoices').selectAll().execute();
    const parsed = parseCfdi(xml('cfdi40-real.xml'));
    if (parsed.kind !== 'cfdi') throw new Error('fixture is a CFDI');
    expect(row).toMatchObject({
      kind: 'invoice',
      source: 'cfdi',
      uuid: parsed.document.uuid,
      issuer_rfc: parsed.document.issuer.rfc,
      receiver_rfc: parsed.document.receiver.rfc,
      total: parsed.document.total,
      subtotal: parsed.document.subtotal,
      currency: parsed.document.currency,
    });
    expect(row?.uuid).toMatch(/^[0-9A-F-]{36}$/);
  });

  it('makes one invoice of two different files with the same issuer and UUID', async () => {
    fake = await startFakeBotApi();
    service = (await startBotService(fake)).service;
    const invoices = new InvoiceRecords(service.store);
    const original = xml('cfdi33-real.xml');
    fake.document(STAFF, { bytes: original, fileName: 'a.xml', mimeType: 'text/xml' });
    await eventually(
      async () => (await invoices.db.selectFrom('invoice_files').selectAll().execute()).length === 1,
      'first file',
    );
    // Same invoice, different bytes (a trailing newline): not a byte duplicate, still the same invoice.
    fake.document(STAFF, {
      bytes: Buffer.concat([original, Buffer.from('\n')]),
      fileName: 'b.xml',
      mimeType: 'text/xml',
    });
    await eventually(
      async () => (await invoices.db.selectFrom('invoice_files').selectAll().execute()).length === 2,
      'second file',
    );
    const rows = await invoices.db.selectFrom('invoices').selectAll().execute();
    expect(rows).toHaveLength(1);
    const links = await invoices.db.selectFrom('invoice_files').selectAll().execute();
    expect(new Set(links.map((l) => l.invoice_id))).toEqual(new Set([rows[0]?.id]));
  });

  it('quarantines a broken XML with its meta file, and processes it once fixed and retried', async () => {
    fake = await startFakeBotApi();
    const started = await startBotService(fake);
    service = started.service;
    const broken = Buffer.from(
      '<?xml version="1.0"?><cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0">',
    );
    fake.document(STAFF, { bytes: broken, fileName: 'rota.xml', mimeType: 'text/xml' });
    const qdir = join(started.dir, 'data/quarantine');
    await eventually(() => existsSync(qdir) && readdirSync(qdir).some((f) => f.endsWith('.meta.json')), 'quarantined');
    const metaName = readdirSync(qdir).find((f) => f.endsWith('.meta.json')) as string;
    const meta = JSON.parse(readFileSync(join(qdir, metaName), 'utf8')) as {
      error: string;
      fileName: string;
      quarantinedPath: string;
    };
    expect(meta.fileName).toBe('rota.xml');
    expect(meta.error.length).toBeGreaterThan(10);
    expect(existsSync(meta.quarantinedPath)).toBe(true);
    await eventually(
      async () => (await service!.queue.list({ queue: 'invoice.process', states: ['failed'] })).length === 1,
      'job failed',
    );

    // Someone fixes the file in quarantine, then retries the job.
    writeFileSync(meta.quarantinedPath, xml('cfdi40-valid.xml'));
    fake.command(ADMIN, '/retry');
    await fake.waitFor(
      (c) =>
        c.params.chat_id === ADMIN.id && textOf(c) === 'De vuelta en la cola: 0 descargas y 1 factura (archivos #1).',
    );
    const invoices = new InvoiceRecords(service.store);
    await eventually(
      async () => (await invoices.db.selectFrom('invoices').selectAll().execute()).length === 1,
      'invoice after retry',
    );
    expect(existsSync(meta.quarantinedPath)).toBe(false);
  });

  it("reads a PDF's text layer, sends a scan to review, and quarantines an executable named .pdf", async () => {
    fake = await startFakeBotApi();
    const started = await startBotService(fake);
    service = started.service;
    const invoices = new InvoiceRecords(service.store);
    fake.document(STAFF, { bytes: invoicePdf(), fileName: 'factura.pdf', mimeType: 'application/pdf' });
    await eventually(
      async () => (await invoices.db.selectFrom('invoices').selectAll().execute()).length === 1,
      'PDF read',
    );
    const [read] = await invoices.db.selectFrom('invoices').selectAll().execute();
    expect(read).toMatchObject({
      status: 'ok',
      source: 'pdf',
      issuer_rfc: 'EKU9003173C9',
      number: 'A-123',
      issued_at: '2024-05-12',
      subtotal: '1000.00',
      total: '1160.00',
    });

    fake.document(STAFF, { bytes: imageOnlyPdf(), fileName: 'escaneo.pdf', mimeType: 'application/pdf' });
    await eventually(async () => (await invoices.byStatus('review')).length === 1, 'scan in review');
    const [scan] = await invoices.byStatus('review');
    // The review copy is written just after the invoice is committed.
    await eventually(() => existsSync(join(started.dir, 'data/pending', `${scan?.id}.json`)), 'review copy written');
    const pending = JSON.parse(readFileSync(join(started.dir, 'data/pending', `${scan?.id}.json`), 'utf8')) as {
      problems: string[];
      file: { name: string };
    };
    expect(pending.file.name).toBe('escaneo.pdf');
    expect(pending.problems).toEqual([NO_TEXT_LAYER]);
    // Other bytes, same issuer, number, total and date: probably the same invoice, so a person decides.
    fake.document(STAFF, {
      bytes: textPdf([...INVOICE_LINES, 'Gracias por su compra']),
      fileName: 'otra-vez.pdf',
      mimeType: 'application/pdf',
    });
    await eventually(async () => (await invoices.byStatus('review')).length === 2, 'probable duplicate in review');
    fake.command(ADMIN, '/review');
    const reply = await fake.waitFor(
      (c) => c.params.chat_id === ADMIN.id && textOf(c).startsWith('2 facturas esperan revisión:'),
    );
    expect(textOf(reply)).toContain('no tiene capa de texto');
    expect(textOf(reply)).toContain(`probablemente repite la factura #${read?.id}`);

    fake.document(STAFF, { bytes: windowsExecutable(), fileName: 'factura2.pdf', mimeType: 'application/pdf' });
    const qdir = join(started.dir, 'data/quarantine');
    await eventually(() => existsSync(qdir) && readdirSync(qdir).some((f) => f.endsWith('.meta.json')), 'quarantined');
    const meta = JSON.parse(
      readFileSync(join(qdir, readdirSync(qdir).find((f) => f.endsWith('.meta.json')) as string), 'utf8'),
    ) as { error: string };
    expect(meta.error).toContain('Windows executable');
  });

  it("makes one invoice of a PDF and the XML of the same invoice, the XML's fields winning", async () => {
    fake = await startFakeBotApi();
    service = (await startBotService(fake)).service;
    const invoices = new InvoiceRecords(service.store);
    const parsed = parseCfdi(xml('cfdi40-real.xml'));
    if (parsed.kind !== 'cfdi') throw new Error('fixture is a CFDI');
    const c = parsed.document;
    const pdf = textPdf([
      `RFC Emisor: ${c.issuer.rfc}`,
      `Folio fiscal: ${c.uuid}`,
      `Fecha ${c.issuedAt.slice(0, 10)}`,
      `Subtotal ${c.subtotal}`,
      `Total ${c.total}`,
    ]);
    fake.document(STAFF, { bytes: pdf, fileName: 'factura.pdf', mimeType: 'application/pdf' });
    await eventually(
      async () => (await invoices.db.selectFrom('invoice_files').selectAll().execute()).length === 1,
      'PDF recorded',
    );
    fake.document(STAFF, { bytes: xml('cfdi40-real.xml'), fileName: 'factura.xml', mimeType: 'text/xml' });
    await eventually(
      async () => (await invoices.db.selectFrom('invoice_files').selectAll().execute()).length === 2,
      'XML joined',
    );
    const rows = await invoices.db.selectFrom('invoices').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ source: 'cfdi', uuid: c.uuid, total: c.total, receiver_rfc: c.receiver.rfc });
  });
});
