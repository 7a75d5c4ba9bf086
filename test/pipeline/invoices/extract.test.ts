// Reading invoice fields: a PDF's text layer, the heuristic extractor, amounts and dates as written, CSV rows.
import { describe, expect, it } from 'vitest';
import {
  heuristicExtract,
  parseAmountText,
  parseCsvInvoices as parseCsvRows,
  parseDateText,
  pdfText,
  amountsIn,
  invoiceFieldsSchema,
} from '../../../src/pipeline/invoices/extract/index.ts';
import { INVOICE_CSV, INVOICE_LINES, imageOnlyPdf, invoicePdf, textPdf } from '../../support/invoice-data.ts';

// A row's error also comes as a message (for readers of either language, tested through the pipeline); here its words.
const parseCsvInvoices = (...args: Parameters<typeof parseCsvRows>) =>
  parseCsvRows(...args).map(({ message: _message, ...row }) => row);

describe('pdfText', () => {
  it('reads the text layer of a PDF, page by page', async () => {
    expect(await pdfText(invoicePdf())).toEqual({ pages: [INVOICE_LINES.join('\n')], hasText: true });
  });

  it('finds no text in an image-only PDF, nor on a page with only a page number', async () => {
    expect(await pdfText(imageOnlyPdf())).toEqual({ pages: [''], hasText: false });
    expect(await pdfText(textPdf(['Página 1 de 1']))).toEqual({ pages: ['Página 1 de 1'], hasText: false });
  });

  it('says a damaged PDF could not be read', async () => {
    await expect(pdfText(Buffer.from('%PDF-1.4\ngarbage'))).rejects.toThrow(/^the PDF could not be read: /);
  });
});

describe('amounts and dates as written', () => {
  it('reads amounts exactly, in both decimal conventions', () => {
    const cases: Array<[string, string | null]> = [
      ['1,234.56', '1234.56'],
      ['$ 1,234.56', '1234.56'],
      ['$1,234,567.89 MXN', '1234567.89'],
      ['1.234,56', '1234.56'],
      ['1 234,56', '1234.56'],
      ['$ 1 234,56', '1234.56'],
      ['1234,5', '1234.5'],
      ['1,234', '1234'],
      ['1.234', '1.234'],
      ['1.234.567', '1234567'],
      ['160', '160'],
      ['0.10', '0.10'],
      ['-$ 50.00', '-50.00'],
      ['8.620690', '8.620690'],
      ['1,23,4', null],
      ['12 34', null],
      ['abc', null],
      ['1..2', null],
    ];
    for (const [text, expected] of cases) expect([text, parseAmountText(text)]).toEqual([text, expected]);
    expect(amountsIn('Subtotal 1,000.00 IVA 16% 160.00 Total $ 1 160,00 y 2 100.00')).toEqual([
      '1000.00',
      '16',
      '160.00',
      '1160.00',
      '2',
      '100.00',
    ]);
  });

  it('reads dates day first, ISO and in Spanish words; rejects impossible ones', () => {
    expect(parseDateText('12/05/2024')).toBe('2024-05-12');
    expect(parseDateText('1-5-2024')).toBe('2024-05-01');
    expect(parseDateText('2024-05-12')).toBe('2024-05-12');
    expect(parseDateText('2024-05-12T10:30:00')).toBe('2024-05-12');
    expect(parseDateText('12 de mayo de 2024')).toBe('2024-05-12');
    expect(parseDateText('3 de Septiembre de 2023')).toBe('2023-09-03');
    expect(parseDateText('12/may/2024')).toBe('2024-05-12');
    expect(parseDateText('31/02/2024')).toBeNull();
    expect(parseDateText('05/13/2024')).toBeNull();
    expect(parseDateText('mañana')).toBeNull();
  });
});

describe('heuristicExtract', () => {
  it('reads every key field of the invoice PDF text exactly, with full confidence', async () => {
    const { pages } = await pdfText(invoicePdf());
    expect(heuristicExtract(pages.join('\n'))).toEqual({
      fields: {
        number: 'A-123',
        issuedAt: '2024-05-12',
        currency: 'MXN',
        issuerRfc: 'EKU9003173C9',
        receiverRfc: 'XAXX010101000',
        subtotal: '1000.00',
        transferredTaxes: '160.00',
        total: '1160.00',
      },
      confidence: 1,
      review: false,
      notes: [],
      unsure: {},
    });
  });

  it('reads discounts, withholdings, a folio fiscal, words for dates and comma decimals', () => {
    const text = [
      'FACTURA Serie B Folio: 77',
      'Folio fiscal: 6f0d2c3e-1a2b-4c5d-8e9f-0a1b2c3d4e5f',
      'Fecha de emisión: 3 de junio de 2024  Fecha de timbrado 04/06/2024',
      'Emisor RFC: ekú9003173c9 Receptor RFC: ABC010101AB1',
      'Forma de pago: 03 Método de pago: PUE',
      'Subtotal: $ 10 000,00',
      'Descuento: $ 500,00',
      'IVA 16%: $ 1 520,00',
      'Retención ISR: 1.000,00',
      'Retención IVA: 1 013,33',
      'Total: $ 9 006,67 pesos',
    ].join('\n');
    const result = heuristicExtract(text);
    expect(result.fields).toEqual({
      series: 'B',
      number: '77',
      uuid: '6F0D2C3E-1A2B-4C5D-8E9F-0A1B2C3D4E5F',
      issuedAt: '2024-06-03',
      currency: 'MXN',
      receiverRfc: 'ABC010101AB1',
      paymentForm: '03',
      paymentMethod: 'PUE',
      subtotal: '10000.00',
      discount: '500.00',
      transferredTaxes: '1520.00',
      withheldTaxes: '2013.33',
      total: '9006.67',
    });
    // "ekú9003173c9" is not an RFC (ú): no issuer RFC, so confidence drops by its weight.
    expect(result.confidence).toBe(0.85);
    expect(result.notes).toEqual(['no RFC found']);
  });

  it('scores complete text above partial text above no invoice at all; low scores ask for review', () => {
    const complete = heuristicExtract(INVOICE_LINES.join('\n'));
    const noSubtotal = heuristicExtract(INVOICE_LINES.filter((l) => !l.startsWith('Subtotal')).join('\n'));
    const partial = heuristicExtract('Factura No. 55\nTotal $ 300.00');
    const nothing = heuristicExtract('Hola, te mando la factura mañana.');
    expect(complete.confidence).toBe(1);
    expect(noSubtotal.confidence).toBe(0.75);
    expect(noSubtotal.notes).toEqual(['no subtotal found', 'the sum could not be checked (subtotal or total missing)']);
    expect(partial).toEqual({
      fields: { number: '55', currency: 'MXN', total: '300.00' },
      confidence: 0.425,
      review: true,
      notes: [
        'currency assumed MXN from "$"',
        'no date found',
        'no RFC found',
        'no subtotal found',
        'the sum could not be checked (subtotal or total missing)',
      ],
      unsure: {},
    });
    expect(nothing.confidence).toBe(0);
    expect(nothing.review).toBe(true);
    expect(complete.confidence).toBeGreaterThan(noSubtotal.confidence);
    expect(noSubtotal.confidence).toBeGreaterThan(partial.confidence);
  });

  it('loses the sum bonus when the amounts do not add up', () => {
    const text = INVOICE_LINES.join('\n').replace('Total 1,160.00', 'Total 1,160.01');
    const result = heuristicExtract(text);
    expect(result.confidence).toBe(0.85);
    expect(result.notes).toEqual(['the amounts do not add up: expected a total of 1160.00, found 1160.01']);
  });

  it('returns only strings the invoice schema accepts', () => {
    const { fields } = heuristicExtract(INVOICE_LINES.join('\n'));
    expect(invoiceFieldsSchema.partial().parse(fields)).toEqual(fields);
  });
});

describe('parseCsvInvoices', () => {
  const mapping = {
    number: 'folio',
    issuedAt: 'Fecha',
    issuerRfc: 'RFC Emisor',
    issuerName: 'Emisor',
    subtotal: 'Subtotal',
    transferredTaxes: 'IVA',
    total: 'Total',
    currency: 'Moneda',
  };

  it('maps columns by name, one invoice per row, with quotes and ";"', () => {
    expect(parseCsvInvoices(INVOICE_CSV, mapping)).toEqual([
      {
        row: 2,
        fields: {
          number: 'A-1',
          issuedAt: '12/05/2024',
          issuerRfc: 'eku9003173c9',
          issuerName: 'Proveedor; Ejemplo "Norte" SA',
          subtotal: '1.000,00',
          transferredTaxes: '160,00',
          total: '1.160,00',
          currency: 'mxn',
        },
      },
      {
        row: 5,
        fields: {
          number: 'A-2',
          issuedAt: '2024-05-13',
          issuerRfc: 'EKU9003173C9',
          issuerName: 'Proveedor Ejemplo SA',
          subtotal: '500',
          transferredTaxes: '80',
          total: '580',
          currency: 'MXN',
        },
      },
      {
        row: 6,
        error: 'the row has 6 columns but the header has 9: check for a ";" inside a value that is not quoted',
      },
    ]);
  });

  it('reads "," CSV, leaves empty cells out and reports rows without values', () => {
    const csv = '\uFEFFfolio,Total,Fecha\n"B-1","1,160.00",\nB-2,,12/05/2024\n,,\n';
    expect(parseCsvInvoices(csv, { number: 'folio', total: 'total', issuedAt: 'fecha' })).toEqual([
      { row: 2, fields: { number: 'B-1', total: '1,160.00' } },
      { row: 3, fields: { number: 'B-2', issuedAt: '12/05/2024' } },
      { row: 4, error: 'the row has no value in any mapped column' },
    ]);
  });

  it('reports a mapped column the header lacks, an unclosed quote and an empty file', () => {
    expect(parseCsvInvoices('folio;importe\nA-1;100\n', { number: 'folio', total: 'Total' })).toEqual([
      {
        row: 1,
        error:
          'the header has no column "Total" (for total); its columns are: "folio", "importe". Fix the column mapping or the file.',
      },
    ]);
    expect(parseCsvInvoices('folio,total\n"A-1,100\n', { number: 'folio' })).toEqual([
      { row: 1, error: 'the CSV cannot be read: a quoted field opened on line 2 is never closed' },
    ]);
    expect(parseCsvInvoices('', { number: 'folio' })).toEqual([
      { row: 1, error: 'the CSV is empty: it needs a header row and one row per invoice' },
    ]);
  });
});
