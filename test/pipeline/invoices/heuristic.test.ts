// The PDF heuristic on realistic layouts (issue 9 item 10): a Flipkart-style tax invoice whose "Total" row starts
// with the quantity (the total was read as 1.00), a US invoice whose "Due Date" comes before its "Invoice Date"
// (the due date was taken), and dollar invoices shown as MXN because of "$". Labelled totals and issue dates win,
// the currency comes from codes and words before the sign, and what is a guess is said to be one.
import { describe, expect, it } from 'vitest';
import { englishProblems } from '../../support/english.ts';
import { heuristicExtract, pdfText } from '../../../src/pipeline/invoices/extract/index.ts';
import { invoiceFromPdfText } from '../../../src/pipeline/invoices/from-pdf.ts';
import { textPdf } from '../../support/invoice-data.ts';

const NOW = new Date('2024-06-01T12:00:00Z');

/** What PDF.js gives for a Flipkart tax invoice: header, a table whose totals row starts with the quantity. */
const FLIPKART = [
  'Tax Invoice',
  'Sold By: Flipkart Internet Private Limited,',
  'Ship-from Address: Plot No. 12, Village Pimplas, Bhiwandi, Thane - 421302, IN-MH',
  'GSTIN - 27AACCF0683K1ZH',
  'Order ID: OD330190437112230100 Order Date: 15-01-2024 Invoice Date: 16-01-2024',
  'Invoice Number # FAAAEY2400123456',
  'PAN: AACCF0683K',
  'Bill To Ship To',
  'Ravi Kumar, 14 MG Road, Pune 411001',
  'Product Title Qty Gross Amount ₹ Discount ₹ Taxable Value ₹ IGST ₹ Total ₹',
  'USB Type C Cable 1m HSN: 85444299 | IGST: 18% 1 319.00 0.00 270.34 48.66 319.00',
  'Shipping And Handling Charges 1 0.00 0.00 0.00 0.00 0.00',
  'Total 1 319.00 0.00 270.34 48.66 319.00',
  'Grand Total ₹ 319.00',
  'Authorized Signatory',
].join('\n');

/** A US invoice: "Due Date" above "Invoice Date", dates in words, dollars with a code. */
const US_INVOICE = [
  'ACME Tools Inc.',
  '1200 Market Street, San Francisco, CA 94103, USA',
  'INVOICE',
  'Invoice # INV-2291',
  'Due Date: April 3, 2024',
  'Invoice Date: March 4, 2024',
  'Bill To: Example Corp, 5 Main St, Austin, TX',
  'Description Qty Unit Price Amount',
  'Widget, blue 2 $150.00 $300.00',
  'Subtotal $300.00',
  'Sales Tax (6.33%) $19.00',
  'Total $319.00',
  'Amount Due (USD) $319.00',
].join('\n');

describe('heuristic on real layouts', () => {
  it('reads the Flipkart total from "Grand Total", the invoice date over the order date, and rupees', () => {
    const result = heuristicExtract(FLIPKART);
    expect(result.fields).toMatchObject({
      total: '319.00',
      issuedAt: '2024-01-16',
      currency: 'INR',
      number: 'FAAAEY2400123456',
    });
    expect(result.unsure).toEqual({});
    // Without the "Grand Total" line, the totals row is read to its last amount, and said to be a guess.
    const noGrand = heuristicExtract(FLIPKART.replace('Grand Total ₹ 319.00\n', ''));
    expect(noGrand.fields.total).toBe('319.00');
    expect(noGrand.unsure.total).toBe(
      'the "Total" line has 6 amounts (1, 319.00, 0.00, 270.34, 48.66, 319.00); the last was taken',
    );
    expect(noGrand.review).toBe(true);
  });

  it('takes the US invoice date, not the due date above it, and the total the subtotal and tax add up to', () => {
    const result = heuristicExtract(US_INVOICE);
    expect(result.fields).toMatchObject({
      issuedAt: '2024-03-04',
      currency: 'USD',
      number: 'INV-2291',
      subtotal: '300.00',
      transferredTaxes: '19.00',
      total: '319.00',
    });
    expect(result.unsure).toEqual({});
    // With only a due date, it is not taken for the issue date.
    const dueOnly = heuristicExtract(US_INVOICE.replace('Invoice Date: March 4, 2024\n', ''));
    expect(dueOnly.fields.issuedAt).toBeUndefined();
    // ISO dates and "Date:" alone work the same, the due date still left aside.
    const iso = heuristicExtract(
      US_INVOICE.replace('Due Date: April 3, 2024', 'Due Date: 2024-04-03').replace(
        'Invoice Date: March 4, 2024',
        'Date: 2024-03-04',
      ),
    );
    expect(iso.fields.issuedAt).toBe('2024-03-04');
    // All digits, day and month both ≤ 12, on an invoice in English: read day first, but offered as a guess.
    const numeric = heuristicExtract(
      US_INVOICE.replace('Due Date: April 3, 2024', 'Due Date: 04/03/2024').replace(
        'Invoice Date: March 4, 2024',
        'Invoice Date: 03/04/2024',
      ),
    );
    expect(numeric.fields.issuedAt).toBe('2024-04-03');
    expect(numeric.unsure.issuedAt).toBe(
      '03/04/2024 was read day first; on an invoice in English it may be month first',
    );
    expect(numeric.review).toBe(true);
    // 25/03/2024 can only be day first; and a Mexican invoice is day first.
    expect(
      heuristicExtract(US_INVOICE.replace('Invoice Date: March 4, 2024', 'Invoice Date: 25/03/2024')).unsure,
    ).toEqual({});
    expect(heuristicExtract('Factura A-1\nFecha 03/04/2024\nTotal MXN 100.00').unsure).toEqual({});
  });

  it('never turns "$" into pesos on a foreign invoice: codes and words first, else unknown and said so', () => {
    const noCode = US_INVOICE.replace('Amount Due (USD)', 'Amount Due').replace(', USA', '');
    const dollars = heuristicExtract(noCode);
    expect(dollars.fields.currency).toBeUndefined();
    expect(dollars.unsure.currency).toBe('"$" without a code');
    expect(dollars.review).toBe(true);
    expect(heuristicExtract(noCode.replace('Total $319.00', 'Total US$319.00')).fields.currency).toBe('USD');
    expect(heuristicExtract(`${noCode}\nAll amounts in U.S. dollars`).fields.currency).toBe('USD');
    // A Mexican invoice (RFC, IVA) with "$" is in pesos, noted as assumed.
    const mexican = heuristicExtract(
      'Factura A-1\nRFC: EKU9003173C9\nFecha 12/05/2024\nSubtotal $1,000.00\nIVA $160.00\nTotal $1,160.00',
    );
    expect(mexican.fields.currency).toBe('MXN');
    expect(mexican.notes).toContain('currency assumed MXN from "$"');
  });

  it('offers the reviewer a guess as a guess, never as a confident reading', async () => {
    const noGrand = FLIPKART.replace('Grand Total ₹ 319.00\n', '').replaceAll('₹', 'INR');
    const { pages } = await pdfText(textPdf(noGrand.split('\n')));
    const invoice = invoiceFromPdfText({ pages, hasText: true }, NOW);
    expect(invoice).toMatchObject({ status: 'review', total: '319.00', issued_at: '2024-01-16', currency: 'INR' });
    expect(englishProblems(invoice.problems)).toContain(
      'the total 319.00 is a guess: the "Total" line has 6 amounts (1, 319.00, 0.00, 270.34, 48.66, 319.00); the last was taken',
    );
    const dollars = invoiceFromPdfText(
      { pages: [US_INVOICE.replace('Amount Due (USD)', 'Amount Due').replace(', USA', '')], hasText: true },
      NOW,
    );
    expect(dollars.currency).toBeNull();
    expect(englishProblems(dollars.problems)).toContain('the currency could not be told ("$" without a code)');
    // The clean US invoice has every key field labelled: nothing in it is a guess.
    const clean = invoiceFromPdfText({ pages: [US_INVOICE], hasText: true }, NOW);
    expect(englishProblems(clean.problems)).not.toContainEqual(expect.stringContaining('guess'));
  });
});
