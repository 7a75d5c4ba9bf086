// Normalising invoice fields and validating them: the sum to the cent, required fields, no future dates, and a
// model's reading cross-checked against the PDF's text.
import { describe, expect, it } from 'vitest';
import {
  latestToday,
  normaliseFields as normaliseMessages,
  validateInvoice as validateMessages,
} from '../../../src/pipeline/invoices/validate/index.ts';
import type { ValidateOptions } from '../../../src/pipeline/invoices/validate/index.ts';
import { withEnglish } from '../../support/english.ts';
import type { InvoiceFields } from '../../../src/pipeline/invoices/extract/index.ts';
import { INVOICE_LINES } from '../../support/invoice-data.ts';

const NOW = new Date('2024-06-01T12:00:00Z');

// Their problems are messages: read here in English.
const normaliseFields = (raw: Partial<InvoiceFields>) => withEnglish(normaliseMessages(raw));
const validateInvoice = (fields: Partial<InvoiceFields>, options: ValidateOptions) =>
  withEnglish(validateMessages(fields, options));

const VALID: Partial<InvoiceFields> = {
  number: 'A-123',
  issuedAt: '2024-05-12',
  currency: 'MXN',
  issuerRfc: 'EKU9003173C9',
  receiverRfc: 'XAXX010101000',
  subtotal: '1000.00',
  transferredTaxes: '160.00',
  total: '1160.00',
};

describe('normaliseFields', () => {
  it('upper-cases RFCs, makes ISO dates, two-decimal money and currency codes', () => {
    expect(
      normaliseFields({
        number: '  A-1 ',
        issuedAt: '12 de mayo de 2024',
        currency: ' mxn ',
        issuerRfc: 'eku-900317-3c9',
        receiverRfc: 'xaxx010101000',
        issuerName: 'Proveedor   Ejemplo  SA',
        uuid: '6f0d2c3e-1a2b-4c5d-8e9f-0a1b2c3d4e5f',
        subtotal: '1.000,00',
        discount: '0',
        transferredTaxes: '$ 1 60,5',
        withheldTaxes: '8.625',
        total: '$1,160.5',
        paymentMethod: 'pue',
      }),
    ).toEqual({
      fields: {
        number: 'A-1',
        issuedAt: '2024-05-12',
        currency: 'MXN',
        issuerRfc: 'EKU9003173C9',
        receiverRfc: 'XAXX010101000',
        issuerName: 'Proveedor Ejemplo SA',
        uuid: '6F0D2C3E-1A2B-4C5D-8E9F-0A1B2C3D4E5F',
        subtotal: '1000.00',
        discount: '0.00',
        withheldTaxes: '8.63',
        total: '1160.50',
        paymentMethod: 'PUE',
      },
      problems: ['the transferred taxes "$ 1 60,5" is not an amount (write 1234.56 or 1,234.56)'],
    });
    expect(normaliseFields({ currency: '$', issuedAt: '2024-05-12T23:59:59-06:00' }).fields).toEqual({
      currency: 'MXN',
      issuedAt: '2024-05-12',
    });
  });

  it('leaves out what it cannot understand and says why', () => {
    expect(
      normaliseFields({
        issuerRfc: 'XYZ123',
        issuedAt: '31/02/2024',
        currency: 'pesos mx',
        uuid: 'abc',
        total: 'mil',
        number: '  ',
      }),
    ).toEqual({
      fields: {},
      problems: [
        'the issuer RFC "XYZ123" is not an RFC (3–4 letters, 6 digits of a date, 3 letters or digits)',
        'the issue date "31/02/2024" is not a date (write 2024-05-12, 12/05/2024 or 12 de mayo de 2024)',
        'the currency "pesos mx" is not a 3-letter code like MXN, USD or EUR',
        'the folio fiscal (UUID) "abc" is not UUID-shaped (8-4-4-4-12 hexadecimal digits)',
        'the total "mil" is not an amount (write 1234.56 or 1,234.56)',
      ],
    });
  });

  it('maps payment method and form to the SAT catalogues, and names a value that is in neither (issue 14 item 6)', () => {
    expect(normaliseFields({ paymentMethod: 'Pago en una sola exhibición', paymentForm: '3' }).fields).toEqual({
      paymentMethod: 'PUE',
      paymentForm: '03',
    });
    expect(normaliseFields({ paymentMethod: 'ppd', paymentForm: '04 - Tarjeta de crédito' }).fields).toEqual({
      paymentMethod: 'PPD',
      paymentForm: '04',
    });
    expect(normaliseFields({ paymentForm: 'Transferencia electrónica de fondos' }).fields).toEqual({
      paymentForm: '03',
    });
    // "texto" was stored as "TEXTO": now it is left out, and the problem says which field and what it may be.
    expect(normaliseFields({ paymentMethod: 'texto', paymentForm: '07' })).toEqual({
      fields: {},
      problems: [
        'the payment method "texto" is not in the SAT catalogue: it must be PUE (one payment) or PPD (instalments or deferred)',
        expect.stringMatching(
          /^the payment form "07" is not in the SAT catalogue: it must be a c_FormaPago code: 01, 02, 03, 04, 05, 06, 08, 12,/,
        ),
      ],
    });
  });
});

describe('validateInvoice', () => {
  it('accepts a complete invoice whose amounts add up', () => {
    expect(validateInvoice(VALID, { now: NOW })).toEqual({ ok: true, problems: [], review: [], unconfirmed: [] });
  });

  it('checks subtotal − discount + transferred − withheld = total to the cent, never through floats', () => {
    // 0.1 + 0.2 is 0.30000000000000004 in floating point; as decimals it is exactly 0.30.
    expect(0.1 + 0.2 === 0.3).toBe(false);
    const small = {
      number: '1',
      issuedAt: '2024-05-12',
      issuerName: 'X',
      subtotal: '0.10',
      transferredTaxes: '0.20',
      total: '0.30',
    };
    expect(validateInvoice(small, { now: NOW }).ok).toBe(true);
    const withAll = {
      ...VALID,
      subtotal: '10000.00',
      discount: '500.00',
      transferredTaxes: '1520.00',
      withheldTaxes: '2013.33',
      total: '9006.67',
    };
    expect(validateInvoice(withAll, { now: NOW })).toEqual({ ok: true, problems: [], review: [], unconfirmed: [] });
    expect(validateInvoice({ ...withAll, total: '9006.68' }, { now: NOW })).toEqual({
      ok: false,
      problems: [
        'the amounts do not add up: subtotal 10,000.00 − discount 500.00 + transferred taxes 1,520.00 − withheld taxes 2,013.33 = 9,006.67, but the total is 9,006.68 (off by 0.01)',
      ],
      review: [],
      unconfirmed: [],
    });
    const huge = { ...VALID, subtotal: '90071992547409.91', transferredTaxes: '0.01', total: '90071992547409.92' };
    expect(validateInvoice(huge, { now: NOW }).ok).toBe(true);
    expect(validateInvoice({ ...huge, total: '90071992547409.93' }, { now: NOW }).ok).toBe(false);
  });

  it('asks for review when there is no subtotal to check the total against', () => {
    const { subtotal: _subtotal, transferredTaxes: _taxes, ...noSubtotal } = VALID;
    expect(validateInvoice(noSubtotal, { now: NOW })).toEqual({
      ok: true,
      problems: [],
      review: ['there is no subtotal, so the total could not be checked against subtotal and taxes'],
      unconfirmed: [],
    });
  });

  it('requires total, date, issuer RFC or name, and number or folio fiscal', () => {
    expect(validateInvoice({ currency: 'MXN' }, { now: NOW })).toEqual({
      ok: false,
      problems: [
        'the total is missing',
        'the issue date is missing',
        "the issuer's RFC or name is missing",
        'the invoice number or folio fiscal (UUID) is missing',
      ],
      review: [],
      unconfirmed: [],
    });
    const alternatives = {
      issuedAt: '2024-05-12',
      issuerName: 'Proveedor',
      uuid: '6F0D2C3E-1A2B-4C5D-8E9F-0A1B2C3D4E5F',
      total: '10.00',
      subtotal: '10.00',
    };
    expect(validateInvoice(alternatives, { now: NOW }).ok).toBe(true);
  });

  it('refuses an issue date in the future, allowing for the time zones ahead of UTC', () => {
    expect(latestToday(NOW)).toBe('2024-06-02');
    expect(validateInvoice({ ...VALID, issuedAt: '2024-06-02' }, { now: NOW }).ok).toBe(true);
    expect(validateInvoice({ ...VALID, issuedAt: '2024-06-03' }, { now: NOW })).toEqual({
      ok: false,
      problems: ['the issue date 2024-06-03 is in the future'],
      review: [],
      unconfirmed: [],
    });
  });

  it('refuses fields that were not normalised', () => {
    expect(validateInvoice({ ...VALID, total: '1,160.00', issuerRfc: 'eku9003173c9' }, { now: NOW })).toEqual({
      ok: false,
      problems: [
        'issuerRfc is not in the expected form: an RFC: 3–4 letters, 6 digits (date), 3 characters, upper-case (normalise the fields first)',
        'total is not in the expected form: a decimal amount like 1234.56 (normalise the fields first)',
      ],
      review: [],
      unconfirmed: [],
    });
  });

  it('cross-checks total, number and RFCs against the PDF text', () => {
    const sourceText = INVOICE_LINES.join('\n');
    expect(validateInvoice(VALID, { now: NOW, sourceText })).toEqual({
      ok: true,
      problems: [],
      review: [],
      unconfirmed: [],
    });
    const misread = {
      ...VALID,
      number: 'A-128',
      issuerRfc: 'EKU9003178C9',
      subtotal: '1066.00',
      total: '1234.56',
      transferredTaxes: '168.56',
    };
    expect(validateInvoice(misread, { now: NOW, sourceText })).toEqual({
      ok: true,
      problems: [],
      review: [
        'the total 1,234.56 is not in the PDF text',
        'the invoice number A-128 is not in the PDF text',
        'the issuer RFC EKU9003178C9 is not in the PDF text',
      ],
      unconfirmed: ['total', 'number', 'issuerRfc'],
    });
    // The same total written the other way ("1.160,00", "$ 1 160,00") is found.
    expect(
      validateInvoice(VALID, { now: NOW, sourceText: 'A-123 EKU9003173C9 XAXX010101000 Total: $ 1 160,00' }).review,
    ).toEqual([]);
    expect(
      validateInvoice(VALID, { now: NOW, sourceText: 'A-123 EKU9003173C9 XAXX010101000 Total: 1.160,00' }).review,
    ).toEqual([]);
  });
});
