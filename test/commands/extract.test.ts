// `centinela extract` reads every kind the pipeline reads — CFDI XML, a PDF's text layer, CSV rows, photos by
// OpenAI when a key is set — with one result shape, and says why and what to do for a file it cannot read.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256Hex, startFakeOpenAI } from '../fakes/openai/index.ts';
import type { FakeOpenAI } from '../fakes/openai/index.ts';
import { INVOICE_CSV, PNG_HEADER, imageOnlyPdf, invoicePdf } from '../support/invoice-data.ts';
import { REPO, runCli, tempDir } from '../support/service.ts';

interface Result {
  file: string;
  row?: number;
  ok: boolean;
  kind?: string;
  invoice?: {
    status: string;
    source: string;
    number: string | null;
    issuer_rfc: string | null;
    total: string | null;
    problems: string[];
  };
  error?: string;
}

const CSV_COLUMNS =
  '{number: Folio, issuedAt: Fecha, issuerRfc: RFC Emisor, issuerName: Emisor, subtotal: Subtotal, transferredTaxes: IVA, total: Total, currency: Moneda}';
const photo = Buffer.concat([PNG_HEADER, Buffer.from('a photographed invoice')]);

let openai: FakeOpenAI | null = null;
afterEach(async () => {
  await openai?.close();
  openai = null;
});

function files(): { dir: string; pdf: string; scan: string; csv: string; png: string; txt: string; xml: string } {
  const dir = tempDir('centinela-extract-');
  const put = (name: string, bytes: Buffer | string): string => {
    writeFileSync(join(dir, name), bytes);
    return join(dir, name);
  };
  return {
    dir,
    pdf: put('factura.pdf', invoicePdf()),
    scan: put('escaneo.pdf', imageOnlyPdf()),
    csv: put('facturas.csv', INVOICE_CSV),
    png: put('foto.png', photo),
    txt: put('notas.txt', 'hola'),
    xml: join(REPO, 'test/fixtures/cfdi/cfdi40-real.xml'),
  };
}

describe('centinela extract', () => {
  it("reads a PDF's text layer, CSV rows and CFDI XML without a key, and says what a photo needs", async () => {
    const f = files();
    const run = await runCli(['extract', f.xml, f.pdf, f.scan, f.csv, f.png, f.txt, '--json'], {
      cwd: f.dir,
      env: { CENTINELA_INVOICES_CSV_COLUMNS: CSV_COLUMNS },
    });
    const results = JSON.parse(run.stdout) as Result[];
    expect(run.code).toBe(1); // the photo and the .txt
    const of = (file: string): Result[] => results.filter((r) => r.file === file);
    expect(of(f.xml)).toMatchObject([{ ok: true, kind: 'invoice', invoice: { source: 'cfdi' } }]);
    expect(of(f.pdf)).toMatchObject([
      {
        ok: true,
        kind: 'invoice',
        invoice: { source: 'pdf', number: 'A-123', issuer_rfc: 'EKU9003173C9', total: '1160.00' },
      },
    ]);
    // A scan has no text layer: it goes to review, as in the pipeline, saying why.
    expect(of(f.scan)).toMatchObject([
      { ok: true, invoice: { status: 'review', problems: [expect.stringContaining('no text layer')] } },
    ]);
    // One result per CSV row, with its line; a row missing columns is that row's error only.
    expect(of(f.csv).map((r) => [r.row, r.ok, r.invoice?.number ?? r.error])).toEqual([
      [2, true, 'A-1'],
      [5, true, 'A-2'],
      [6, false, expect.stringContaining('columns but the header has 9')],
    ]);
    expect(of(f.png)).toEqual([
      { file: f.png, ok: false, error: expect.stringMatching(/^a photo is read by OpenAI vision: set OPENAI_API_KEY/) },
    ]);
    expect(of(f.txt)).toEqual([
      { file: f.txt, ok: false, error: expect.stringContaining('unsupported type: .txt text') },
    ]);
    expect(JSON.stringify(results)).not.toMatch(/maxBytes|not well-formed XML/);

    const human = await runCli(['extract', f.pdf, f.csv, f.txt], {
      cwd: f.dir,
      env: { CENTINELA_INVOICES_CSV_COLUMNS: CSV_COLUMNS },
    });
    expect(human.stdout).toMatch(/^✓ .*factura\.pdf: invoice \(not stamped\) EKU9003173C9 → .* total 1160\.00 MXN/m);
    expect(human.stdout).toMatch(/^✓ .*facturas\.csv, row 5: invoice /m);
    expect(human.stdout).toMatch(/^✗ .*facturas\.csv, row 6: the row has/m);
    expect(human.stdout).toMatch(/^✗ .*notas\.txt: unsupported type/m);
  });

  it('reads a photo by OpenAI vision when a key is set, with the same result shape', async () => {
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
    const f = files();
    const run = await runCli(['extract', f.png, '--json'], {
      cwd: f.dir,
      env: { OPENAI_API_KEY: openai.apiKey, CENTINELA_INVOICES_OPENAI_BASE_URL: openai.baseURL },
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject([
      {
        file: f.png,
        ok: true,
        kind: 'invoice',
        invoice: { source: 'vision', status: 'ok', number: 'A-77', total: '1160.00' },
      },
    ]);
    expect(run.stdout + run.stderr).not.toContain(openai.apiKey);
  });
});
