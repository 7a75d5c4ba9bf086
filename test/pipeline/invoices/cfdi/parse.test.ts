// parseCfdi on the real fixtures (CFDI 3.2/3.3/4.0, Pagos 1.0/2.0, Retenciones 1.0/2.0) with exact expected
// values read from the XML, plus the refusals: DTDs, non-XML, non-CFDI, oversize, bad RFCs, and decimal exactness.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  CfdiError,
  cfdiParseRate,
  cfdiResultSchema,
  compareDecimals,
  normalizeAmount,
  parseCfdi,
  sumDecimals,
  toMinorUnits,
} from '../../../../src/pipeline/invoices/cfdi/index.ts';
import type {
  CfdiDocument,
  CfdiErrorCode,
  ParseCfdiOptions,
  RetencionesDocument,
} from '../../../../src/pipeline/invoices/cfdi/index.ts';

const REPO = resolve(import.meta.dirname, '../../../..');
const FIXTURES = join(REPO, 'test/fixtures/cfdi');

function allFixtures(dir = FIXTURES): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return allFixtures(path);
      return path.endsWith('.xml') ? [path] : [];
    })
    .sort();
}

function cfdi(name: string): CfdiDocument {
  const result = parseCfdi(readFileSync(join(FIXTURES, name)));
  if (result.kind !== 'cfdi') throw new Error(`${name} parsed as ${result.kind}`);
  return result.document;
}

function retenciones(name: string): RetencionesDocument {
  const result = parseCfdi(readFileSync(join(FIXTURES, name)));
  if (result.kind !== 'retenciones') throw new Error(`${name} parsed as ${result.kind}`);
  return result.document;
}

function rejection(xml: string | Buffer, options?: ParseCfdiOptions): CfdiError {
  try {
    parseCfdi(xml, options);
  } catch (err) {
    expect(err).toBeInstanceOf(CfdiError);
    return err as CfdiError;
  }
  throw new Error('parseCfdi accepted input it should have rejected');
}

function expectRejected(xml: string | Buffer, code: CfdiErrorCode, options?: ParseCfdiOptions): CfdiError {
  const err = rejection(xml, options);
  expect(err.code).toBe(code);
  expect(err.message.length).toBeGreaterThan(30);
  return err;
}

interface Synthetic {
  version?: string;
  type?: string;
  issuerRfc?: string;
  issuerName?: string;
  subtotal?: string;
  total?: string;
  complement?: string;
  prolog?: string;
}

/** A small, well-formed CFDI 4.0 (or the version asked for) with the attributes given. */
function synthetic(s: Synthetic = {}): string {
  return `${s.prolog ?? '<?xml version="1.0" encoding="UTF-8"?>'}
<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="${s.version ?? '4.0'}" Fecha="2024-02-29T23:59:59"
  TipoDeComprobante="${s.type ?? 'I'}" SubTotal="${s.subtotal ?? '0.30'}" Total="${s.total ?? '0.30'}" Moneda="MXN" LugarExpedicion="01000">
  <cfdi:Emisor Rfc="${s.issuerRfc ?? 'EKU9003173C9'}" Nombre="${s.issuerName ?? 'ESCUELA KEMPER URGATE'}" RegimenFiscal="601"/>
  <cfdi:Receptor Rfc="ÑAÑ010101AB1" Nombre="Receptor" UsoCFDI="S01" RegimenFiscalReceptor="616" DomicilioFiscalReceptor="01000"/>
  <cfdi:Conceptos>
    <cfdi:Concepto ClaveProdServ="01010101" Cantidad="3" ClaveUnidad="H87" Descripcion="Clip" ValorUnitario="0.1" Importe="0.30" ObjetoImp="01"/>
  </cfdi:Conceptos>
  ${s.complement ?? ''}
</cfdi:Comprobante>`;
}

describe('every fixture', () => {
  const files = allFixtures();

  test('the fixture folder holds the expected files', () => {
    expect(files.map((f) => relative(FIXTURES, f))).toEqual([
      'cfdi32-real.xml',
      'cfdi33-real.xml',
      'cfdi33-valid.xml',
      'cfdi40-real.xml',
      'cfdi40-valid.xml',
      'created-cfdi40-pago20-valid.xml',
      'created-pago-with-ns-at-root-33.xml',
      'created-with-discounts-33.xml',
      'created-with-discounts-40.xml',
      'pagos20-calculator/001.xml',
      'pagos20-calculator/002.xml',
      'pagos20-calculator/003.xml',
      'pagos20-calculator/004.xml',
      'pagos20-calculator/005.xml',
      'pagos20-calculator/006.xml',
      'pagos20-calculator/007.xml',
      'pagos20-calculator/008.xml',
      'retenciones/retenciones10.xml',
      'retenciones/retenciones20.xml',
    ]);
  });

  test.each(files.map((f) => [relative(FIXTURES, f), f]))(
    '%s parses, matches the schema and is deterministic',
    (_name, file) => {
      const bytes = readFileSync(file);
      const fromBuffer = parseCfdi(bytes);
      const fromString = parseCfdi(bytes.toString('utf8'));
      expect(fromString).toEqual(fromBuffer);
      expect(cfdiResultSchema.parse(fromBuffer)).toEqual(fromBuffer);
      expect(fromBuffer.kind).toBe(file.includes('retenciones') ? 'retenciones' : 'cfdi');
      // Nothing in the result is a number except the Retenciones period (months, year).
      const json = JSON.stringify(
        fromBuffer.kind === 'cfdi' ? fromBuffer.document : { ...fromBuffer.document, period: null },
      );
      expect(json).not.toMatch(/":\s*-?\d/);
    },
  );

  test('the payment fixtures are recorded as payments, not invoices', () => {
    const payments = files.filter((f) => f.includes('pago'));
    expect(payments).toHaveLength(10);
    for (const file of payments) {
      const { document } = parseCfdi(readFileSync(file));
      expect(document).toMatchObject({ type: 'P', category: 'payment' });
    }
  });

  test('cfdiParseRate parses at least 500 files/s', async () => {
    const rate = await cfdiParseRate(files, 1);
    expect(rate).toBeGreaterThanOrEqual(500);
  }, 30_000);
});

describe('CFDI 3.3', () => {
  test('cfdi33-real: exact values', () => {
    const d = cfdi('cfdi33-real.xml');
    expect(d).toMatchObject({
      version: '3.3',
      uuid: 'CEE4BE01-ADFA-4DEB-8421-ADD60F0BEDAC',
      stampedAt: '2018-01-12T08:17:54',
      type: 'I',
      category: 'invoice',
      series: 'H',
      folio: '11541',
      issuedAt: '2018-01-12T08:15:01',
      issuer: { rfc: 'POT9207213D6', name: 'PROMOTORA OTIR SA DE CV', taxRegime: '601' },
      receiver: { rfc: 'DIM8701081LA', name: 'DAY INTERNATIONAL DE MEXICO SA DE CV', cfdiUse: 'G03', taxRegime: null },
      currency: 'MXN',
      exchangeRate: null,
      subtotal: '1709.12',
      discount: null,
      total: '2010.01',
      paymentForm: '04',
      paymentMethod: 'PUE',
      payments: null,
      complements: ['ImpuestosLocales', 'TimbreFiscalDigital'],
      warnings: [],
    });
    expect(d.taxes).toEqual({
      transferred: {
        total: '273.46',
        items: [{ tax: '002', factor: 'Tasa', rate: '0.160000', base: null, amount: '273.46' }],
      },
      withheld: { total: '0.00', items: [] },
    });
    expect(d.items).toHaveLength(2);
    expect(d.items[0]).toEqual({
      productCode: '90111501',
      identification: null,
      quantity: '2.00',
      unit: 'UNIDAD DE SERVICIO',
      unitCode: 'E48',
      description: 'Paquete',
      unitValue: '677.83',
      amount: '1355.67',
      discount: null,
      taxes: {
        transferred: [{ tax: '002', factor: 'Tasa', rate: '0.160000', base: '1355.67', amount: '216.91' }],
        withheld: [],
      },
    });
  });

  test('cfdi33-valid: integer amounts padded, withheld taxes per tax, ISR code kept', () => {
    const d = cfdi('cfdi33-valid.xml');
    expect(d).toMatchObject({
      uuid: '9FB6ED1A-5F37-4FEF-980A-7F8C83B51894',
      series: 'A',
      folio: '167ABC',
      subtotal: '2269400.00',
      discount: '0.00',
      total: '2382870.00',
      exchangeRate: '1',
      issuer: { rfc: 'EKU9003173C9', name: 'ESCUELA KEMPER URGATE SA DE CV', taxRegime: '601' },
      receiver: { rfc: 'COSC8001137NA', name: 'CARLOS CORTES SOTO', cfdiUse: 'G01' },
    });
    expect(d.taxes.transferred).toEqual({
      total: '363104.00',
      items: [{ tax: '001', factor: 'Tasa', rate: '0.160000', base: null, amount: '363104.00' }],
    });
    expect(d.taxes.withheld).toEqual({
      total: '249634.00',
      items: [{ tax: '002', factor: null, rate: null, base: null, amount: '249634.00' }],
    });
    expect(d.items.map((i) => i.description)).toEqual(['ACERO', 'ALUMINIO', 'ZAMAC']);
    expect(d.items[0]?.quantity).toBe('1.5');
    expect(d.items[0]?.taxes.withheld).toEqual([
      { tax: '002', factor: 'Tasa', rate: '0.110000', base: '2250000.00', amount: '247500.00' },
    ]);
  });

  test('created-with-discounts-33: USD with exchange rate, &quot; decoded, accents kept, unstamped', () => {
    const d = cfdi('created-with-discounts-33.xml');
    expect(d).toMatchObject({
      uuid: null,
      stampedAt: null,
      currency: 'USD',
      exchangeRate: '18.9008',
      subtotal: '3300.00',
      discount: '500.00',
      total: '3248.00',
      receiver: { name: 'Carlos Cortés Soto' },
    });
    expect(d.items[1]?.description).toBe('Pantalla led 3x4" con entrada HDMI');
    expect(d.items[0]?.discount).toBe('500.00');
    expect(d.warnings).toEqual(['No TimbreFiscalDigital: the document is not stamped, so uuid is null.']);
  });

  test('created-pago-with-ns-at-root-33: Pagos 1.0 declared at the root', () => {
    const d = cfdi('created-pago-with-ns-at-root-33.xml');
    expect(d).toMatchObject({ version: '3.3', type: 'P', currency: 'XXX', subtotal: '0.00', total: '0.00' });
    expect(d.receiver).toEqual({ rfc: 'COSC8001137NA', name: null, cfdiUse: 'P01', taxRegime: null });
    expect(d.payments).toEqual({
      version: '1.0',
      totalAmount: null,
      payments: [
        {
          paidAt: '2023-05-06T07:08:09',
          form: '03',
          currency: 'MXN',
          exchangeRate: null,
          amount: '15000.00',
          operationNumber: '963852',
          relatedDocuments: [
            {
              uuid: '00000000-1111-2222-3333-00000000000A',
              series: null,
              folio: null,
              currency: 'MXN',
              exchangeRate: null,
              installment: '2',
              previousBalance: '12000.00',
              paidAmount: '12000.00',
              balance: '0.00',
            },
            {
              uuid: '00000000-1111-2222-3333-00000000000B',
              series: null,
              folio: null,
              currency: 'MXN',
              exchangeRate: null,
              installment: '1',
              previousBalance: '10000.00',
              paidAmount: '3000.00',
              balance: '7000.00',
            },
          ],
        },
      ],
    });
  });
});

describe('CFDI 4.0', () => {
  test('cfdi40-real: exact values', () => {
    const d = cfdi('cfdi40-real.xml');
    expect(d).toMatchObject({
      version: '4.0',
      uuid: 'C2832671-DA6D-11EF-A83D-00155D012007',
      stampedAt: '2025-01-24T10:10:42',
      type: 'I',
      category: 'invoice',
      series: 'O',
      folio: '52375239',
      issuedAt: '2025-01-24T10:10:41',
      issuer: { rfc: 'ISD950921HE5', name: 'PASE, SERVICIOS ELECTRONICOS', taxRegime: '601' },
      receiver: { rfc: 'COSC8001137NA', name: 'CARLOS CORTES SOTO', cfdiUse: 'G03', taxRegime: '612' },
      currency: 'MXN',
      exchangeRate: '1',
      subtotal: '862.07',
      discount: null,
      total: '1000.00',
      paymentForm: '04',
      paymentMethod: 'PUE',
      payments: null,
      complements: ['TimbreFiscalDigital'],
      warnings: [],
    });
    expect(d.taxes).toEqual({
      transferred: {
        total: '137.93',
        items: [{ tax: '002', factor: 'Tasa', rate: '0.160000', base: '862.07', amount: '137.93' }],
      },
      withheld: { total: '0.00', items: [] },
    });
    expect(d.items).toHaveLength(2);
    expect(d.items[0]).toEqual({
      productCode: '80141628',
      identification: null,
      quantity: '1.000000',
      unit: 'NO APLICA',
      unitCode: 'E48',
      description: 'COMISION RECARGA IDMX',
      unitValue: '8.620690',
      amount: '8.620690',
      discount: null,
      taxes: {
        transferred: [{ tax: '002', factor: 'Tasa', rate: '0.160000', base: '8.620690', amount: '1.379310' }],
        withheld: [],
      },
    });
  });

  test('cfdi40-valid: exact values, with a discount and a non-ASCII description', () => {
    const d = cfdi('cfdi40-valid.xml');
    expect(d).toMatchObject({
      version: '4.0',
      uuid: '6F35D3B5-3651-5370-BC2C-14CDBE384CD7',
      stampedAt: '2025-02-19T08:37:30',
      type: 'I',
      series: null,
      folio: null,
      issuedAt: '2025-02-19T08:32:29',
      issuer: { rfc: 'EKU9003173C9', name: 'ESCUELA KEMPER URGATE', taxRegime: '601' },
      receiver: { rfc: 'MCI7306249Y1', name: 'MUNICIPIO DE CUAUTITLAN IZCALLI', cfdiUse: 'G03', taxRegime: '603' },
      currency: 'MXN',
      exchangeRate: null,
      subtotal: '3824.15',
      discount: '956.04',
      total: '3327.01',
      paymentForm: '01',
      paymentMethod: 'PUE',
    });
    expect(d.taxes).toEqual({
      transferred: {
        total: '458.90',
        items: [{ tax: '002', factor: 'Tasa', rate: '0.160000', base: '2868.11', amount: '458.90' }],
      },
      withheld: { total: '0.00', items: [] },
    });
    expect(d.items).toHaveLength(1);
    expect(d.items[0]).toEqual({
      productCode: '52161557',
      identification: 'GAMEPAD007',
      quantity: '4',
      unit: 'PIEZA',
      unitCode: 'H87',
      description: 'Portable tetris gamepad pro++ ⏻',
      unitValue: '956.04',
      amount: '3824.15',
      discount: '956.04',
      taxes: {
        transferred: [{ tax: '002', factor: 'Tasa', rate: '0.160000', base: '2868.11', amount: '458.90' }],
        withheld: [],
      },
    });
  });

  test('created-cfdi40-pago20-valid: exact values of a Pagos 2.0 payment', () => {
    const d = cfdi('created-cfdi40-pago20-valid.xml');
    expect(d).toMatchObject({
      version: '4.0',
      uuid: null,
      type: 'P',
      category: 'payment',
      issuedAt: '2023-06-13T14:15:16',
      issuer: { rfc: 'EKU9003173C9', name: 'ESCUELA KEMPER URGATE', taxRegime: '601' },
      receiver: { rfc: 'COSC8001137NA', name: 'CARLOS CORTES SOTO', cfdiUse: 'CP01', taxRegime: '605' },
      currency: 'XXX',
      exchangeRate: null,
      subtotal: '0.00',
      discount: null,
      total: '0.00',
      paymentForm: null,
      paymentMethod: null,
      taxes: { transferred: { total: '0.00', items: [] }, withheld: { total: '0.00', items: [] } },
      complements: ['Pagos'],
    });
    expect(d.items).toEqual([
      {
        productCode: '84111506',
        identification: null,
        quantity: '1',
        unit: null,
        unitCode: 'ACT',
        description: 'Pago',
        unitValue: '0.00',
        amount: '0.00',
        discount: null,
        taxes: { transferred: [], withheld: [] },
      },
    ]);
    expect(d.payments?.version).toBe('2.0');
    expect(d.payments?.totalAmount).toBe('15000.00');
    expect(d.payments?.payments).toHaveLength(1);
    const payment = d.payments?.payments[0];
    expect(payment).toMatchObject({
      paidAt: '2023-06-12T17:18:19',
      form: '03',
      currency: 'MXN',
      exchangeRate: '1',
      amount: '15000.00',
      operationNumber: '963852',
    });
    expect(payment?.relatedDocuments).toEqual([
      {
        uuid: '00000000-1111-2222-3333-00000000000A',
        series: null,
        folio: null,
        currency: 'MXN',
        exchangeRate: '1',
        installment: '2',
        previousBalance: '12000.00',
        paidAmount: '12000.00',
        balance: '0.00',
      },
      {
        uuid: '00000000-1111-2222-3333-00000000000B',
        series: null,
        folio: null,
        currency: 'MXN',
        exchangeRate: '1',
        installment: '1',
        previousBalance: '10000.00',
        paidAmount: '3000.00',
        balance: '7000.00',
      },
    ]);
  });

  test('pagos20-calculator: several payments, foreign currency, related documents without a UUID', () => {
    const p1 = cfdi('pagos20-calculator/001.xml').payments;
    expect(p1?.totalAmount).toBe('2534.43');
    expect(p1?.payments.map((p) => [p.currency, p.exchangeRate, p.amount, p.relatedDocuments.length])).toEqual([
      ['MXN', '1', '1840.00', 4],
      ['USD', '17.3608', '40.00', 1],
    ]);
    expect(p1?.payments[1]?.relatedDocuments[0]).toMatchObject({
      uuid: '17F4B4FC-89E1-5770-B8BB-00958F217486',
      series: 'PACIE',
      folio: '1',
      exchangeRate: '17.36075',
      paidAmount: '694.43',
      balance: '2122.57',
    });
    const p5 = cfdi('pagos20-calculator/005.xml');
    expect(p5.receiver).toMatchObject({ rfc: 'XEXX010101000', name: 'FOREIGN COMPANY INC' });
    expect(p5.payments?.payments[0]?.relatedDocuments[0]).toMatchObject({
      uuid: null,
      currency: 'USD',
      paidAmount: '50498.60',
    });
  });

  test('an empty RFC (pagos20-calculator/008) is recorded as null with a warning', () => {
    const d = cfdi('pagos20-calculator/008.xml');
    expect(d.issuer).toEqual({ rfc: null, name: 'TRANSPORTES', taxRegime: '626' });
    expect(d.receiver.rfc).toBeNull();
    expect(d.warnings).toContain('Emisor@Rfc is empty; the RFC was recorded as null.');
    expect(d.warnings).toContain('Receptor@Rfc is empty; the RFC was recorded as null.');
  });
});

describe('CFDI 3.2', () => {
  test('cfdi32-real: lower-case attributes, ingreso → I, percentage rate, legacy regime and payment fields', () => {
    const d = cfdi('cfdi32-real.xml');
    expect(d).toMatchObject({
      version: '3.2',
      uuid: '80824F3B-323E-407B-8F8E-40D83FE2E69F',
      stampedAt: '2017-03-21T08:18:08',
      type: 'I',
      category: 'invoice',
      series: 'S',
      folio: '68189',
      issuedAt: '2017-03-21T08:17:31',
      issuer: {
        rfc: 'CTO021007DZ8',
        name: 'CEVER TOLUCA S.A. DE C.V.',
        taxRegime: 'Regimen General de Ley Persona Moral',
      },
      receiver: { rfc: 'XAXX010101000', name: 'CORTES SOTO CARLOS', cfdiUse: null, taxRegime: null },
      currency: 'MXN',
      exchangeRate: '1.00',
      subtotal: '4038.79',
      discount: '0.00',
      total: '4685.00',
      paymentForm: '04',
      paymentMethod: 'Pago en una sola exhibicion',
      complements: ['TimbreFiscalDigital'],
    });
    expect(d.taxes).toEqual({
      transferred: {
        total: '646.21',
        items: [{ tax: '002', factor: null, rate: '0.160000', base: null, amount: '646.21' }],
      },
      withheld: { total: '0.00', items: [] },
    });
    expect(d.items).toHaveLength(7);
    expect(d.items[0]).toEqual({
      productCode: null,
      identification: '00279DRM2001',
      quantity: '5',
      unit: 'PIEZA',
      unitCode: null,
      description: 'ACEITE',
      unitValue: '61.86',
      amount: '309.30',
      discount: null,
      taxes: { transferred: [], withheld: [] },
    });
  });

  test('3.2 types: egreso → E, traslado → T, egreso with a Nomina complement → N; "Pesos" → MXN', () => {
    const base = readFileSync(join(FIXTURES, 'cfdi32-real.xml'), 'utf8');
    const as = (tipo: string) => base.replace('tipoDeComprobante="ingreso"', `tipoDeComprobante="${tipo}"`);
    expect(doc(as('egreso'))).toMatchObject({ type: 'E', category: 'credit_note' });
    expect(doc(as('traslado'))).toMatchObject({ type: 'T', category: 'transfer' });
    const payroll = as('egreso').replace(
      '<cfdi:Complemento>',
      '<cfdi:Complemento><nomina:Nomina xmlns:nomina="http://www.sat.gob.mx/nomina" Version="1.1"/>',
    );
    expect(doc(payroll)).toMatchObject({ type: 'N', category: 'payroll' });
    expect(doc(base.replace('Moneda="MXN"', 'Moneda="Pesos"')).currency).toBe('MXN');
    expect(doc(base.replace(' Moneda="MXN"', '')).currency).toBe('MXN');
    expect(expectRejected(as('pago'), 'invalid_value').field).toBe('Comprobante@tipoDeComprobante');
  });
});

/** Parses text or bytes that must be a CFDI. */
function doc(xml: string | Buffer): CfdiDocument {
  const result = parseCfdi(xml);
  if (result.kind !== 'cfdi') throw new Error('expected a CFDI');
  return result.document;
}

describe('Retenciones', () => {
  test('retenciones10 is recognised as a withholding certificate', () => {
    expect(retenciones('retenciones/retenciones10.xml')).toEqual({
      version: '1.0',
      uuid: null,
      stampedAt: null,
      issuedAt: '2021-01-13T14:15:16-06:00',
      retentionCode: '14',
      issuer: { rfc: 'EKU9003173C9', name: 'ESCUELA KEMPER URGATE SA DE CV', taxRegime: null },
      receiver: {
        nationality: 'Extranjero',
        rfc: null,
        name: 'WORLD WIDE COMPANY INC',
        foreignTaxId: '998877665544332211',
      },
      period: { startMonth: 5, endMonth: 5, year: 2018 },
      totals: {
        operationAmount: '55578643.00',
        taxedAmount: '0.00',
        exemptAmount: '55578643.00',
        withheldTotal: '0.00',
        items: [{ tax: '01', base: '0.00', amount: '0.00', paymentType: 'Pago provisional' }],
      },
      complements: ['Dividendos'],
      warnings: ['No TimbreFiscalDigital: the document is not stamped, so uuid is null.'],
    });
  });

  test('retenciones20 is recognised as a withholding certificate', () => {
    expect(retenciones('retenciones/retenciones20.xml')).toMatchObject({
      version: '2.0',
      uuid: null,
      issuedAt: '2022-01-13T14:15:16',
      retentionCode: '14',
      issuer: { rfc: 'EKU9003173C9', name: 'ESCUELA KEMPER URGATE', taxRegime: '601' },
      receiver: {
        nationality: 'Extranjero',
        rfc: null,
        name: 'WORLD WIDE COMPANY INC',
        foreignTaxId: '998877665544332211',
      },
      period: { startMonth: 5, endMonth: 5, year: 2021 },
      totals: {
        operationAmount: '55578643.00',
        taxedAmount: '0.00',
        exemptAmount: '55578643.00',
        withheldTotal: '0.00',
        items: [{ tax: '001', base: '0.00', amount: '200.00', paymentType: '01' }],
      },
    });
  });
});

describe('refusals', () => {
  test('a billion-laughs entity bomb is refused as a DTD before parsing', () => {
    const bomb = `<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0">&lol3;</cfdi:Comprobante>`;
    expectRejected(bomb, 'dtd');
    expectRejected(synthetic({ prolog: '<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd">' }), 'dtd');
    expectRejected('<?xml version="1.0"?><!ENTITY x "y"><a/>', 'dtd');
  });

  test('non-XML input is refused as not_xml', () => {
    expectRejected(Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<< /Type /Catalog >>\nendobj\n', 'latin1'), 'not_xml');
    expectRejected('{"Version":"4.0","Total":"100.00"}', 'not_xml');
    expectRejected('', 'not_xml');
    expectRejected(
      '<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0"><cfdi:Emisor></cfdi:Comprobante>',
      'not_xml',
    );
    expectRejected(Buffer.from([0x3c, 0x61, 0x20, 0x78, 0x3d, 0x22, 0xff, 0xfe, 0x22, 0x2f, 0x3e]), 'not_xml');
  });

  test('XML that is not a CFDI is refused as not_cfdi', () => {
    expectRejected('<?xml version="1.0"?><html><body><p>Factura</p></body></html>', 'not_cfdi');
    // The right element name without the SAT namespace is not a CFDI either.
    expectRejected(synthetic().replace('http://www.sat.gob.mx/cfd/4', 'http://example.com/cfd/4'), 'not_cfdi');
  });

  test('input over maxBytes is refused as too_big, before parsing', () => {
    const xml = synthetic();
    expectRejected(xml, 'too_big', { maxBytes: 100 });
    expectRejected(Buffer.from(xml), 'too_big', { maxBytes: Buffer.byteLength(xml) - 1 });
    expect(parseCfdi(xml, { maxBytes: Buffer.byteLength(xml) }).kind).toBe('cfdi');
    expectRejected(`<a>${' '.repeat(5 * 1024 * 1024)}</a>`, 'too_big');
  });

  test('an invalid RFC is refused as invalid_value naming the RFC field', () => {
    const err = expectRejected(synthetic({ issuerRfc: 'EKU9003173' }), 'invalid_value');
    expect(err.field).toBe('Emisor@Rfc');
    expect(err.message).toContain('EKU9003173');
    expect(err.message).toContain('RFC');
    expectRejected(synthetic({ issuerRfc: 'EKU-900317-3C9' }), 'invalid_value');
  });

  test('unsupported versions, missing and malformed fields', () => {
    expectRejected(synthetic({ version: '2.2' }), 'unsupported_version');
    expect(expectRejected(synthetic().replace(/<cfdi:Emisor[^>]*\/>/, ''), 'missing_field').field).toBe(
      'Comprobante/Emisor',
    );
    expect(expectRejected(synthetic({ total: '' }), 'missing_field').field).toBe('Comprobante@Total');
    expect(expectRejected(synthetic({ total: '1,000.00' }), 'invalid_value').field).toBe('Comprobante@Total');
    expect(expectRejected(synthetic({ total: '1e3' }), 'invalid_value').field).toBe('Comprobante@Total');
    expect(expectRejected(synthetic({ type: 'X' }), 'invalid_value').field).toBe('Comprobante@TipoDeComprobante');
    expect(expectRejected(synthetic().replace('2024-02-29T23:59:59', '29/02/2024'), 'invalid_value').field).toBe(
      'Comprobante@Fecha',
    );
  });
});

describe('values', () => {
  test('lower-case RFCs are upper-cased; Ñ and & are valid RFC letters', () => {
    const document = doc(synthetic({ issuerRfc: 'eku9003173c9' }));
    expect(document.issuer.rfc).toBe('EKU9003173C9');
    expect(document.receiver.rfc).toBe('ÑAÑ010101AB1');
    expect(doc(synthetic({ issuerRfc: 'P&amp;H010101AB1' })).issuer.rfc).toBe('P&H010101AB1');
  });

  test('&amp; and the other predefined entities and character references are decoded in attribute values', () => {
    expect(doc(synthetic({ issuerName: 'Pérez &amp; Hijos' })).issuer.name).toBe('Pérez & Hijos');
    expect(doc(synthetic({ issuerName: '&lt;A&gt; &quot;B&quot; &apos;C&apos; P&#233;rez &#xD1;' })).issuer.name).toBe(
      '<A> "B" \'C\' Pérez Ñ',
    );
    // An unknown entity is left alone, never expanded.
    expect(doc(synthetic({ issuerName: 'A &foo; B' })).issuer.name).toBe('A &foo; B');
  });

  test('a Buffer is decoded as UTF-8 (BOM dropped), or as Latin-1 when the declaration says so', () => {
    const utf8 = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(synthetic({ issuerName: 'Cortés Ñandú' })),
    ]);
    expect(doc(utf8).issuer.name).toBe('Cortés Ñandú');
    const latin1 = Buffer.from(
      synthetic({ issuerName: 'Cortés Ñandú', prolog: '<?xml version="1.0" encoding="ISO-8859-1"?>' }),
      'latin1',
    );
    expect(doc(latin1).issuer.name).toBe('Cortés Ñandú');
  });

  test('decimals never go through floats', () => {
    const d = doc(synthetic({ subtotal: '0.30', total: '0.30' }));
    expect(d.total).toBe('0.30');
    expect(d.subtotal).toBe('0.30');
    expect(d.items[0]?.unitValue).toBe('0.10');
    const big = doc(synthetic({ subtotal: '12345678901234567.89', total: '+9007199254740993.1' }));
    expect(big.subtotal).toBe('12345678901234567.89');
    expect(big.total).toBe('9007199254740993.10');
    expect(sumDecimals(['0.1', '0.2'])).toBe('0.30');
    expect(sumDecimals(['12345678901234567.89', '0.01'])).toBe('12345678901234567.90');
    expect(sumDecimals([])).toBe('0.00');
    expect(normalizeAmount('2819.3')).toBe('2819.30');
    expect(normalizeAmount('8.620690')).toBe('8.620690');
    expect(normalizeAmount('-5')).toBe('-5.00');
    expect(toMinorUnits('1709.12')).toBe(170912n);
    expect(toMinorUnits('8.625')).toBe(863n);
    expect(toMinorUnits('-8.625')).toBe(-863n);
    expect(toMinorUnits('12345678901234567.89')).toBe(1234567890123456789n);
    expect(compareDecimals('1.50', '1.5')).toBe(0);
    expect(compareDecimals('0.30', '0.3000001')).toBe(-1);
  });

  test('any namespace prefix, or a default namespace, reads the same', () => {
    const expected = doc(synthetic());
    expect(doc(synthetic().replaceAll('cfdi:', 'c:').replace('xmlns:cfdi=', 'xmlns:c='))).toEqual(expected);
    expect(doc(synthetic().replaceAll('cfdi:', '').replace('xmlns:cfdi=', 'xmlns='))).toEqual(expected);
  });

  test('payroll and transfer documents are typed as such', () => {
    expect(doc(synthetic({ type: 'N' }))).toMatchObject({ type: 'N', category: 'payroll' });
    expect(doc(synthetic({ type: 'T' }))).toMatchObject({ type: 'T', category: 'transfer' });
    expect(doc(synthetic({ type: 'E' }))).toMatchObject({ type: 'E', category: 'credit_note' });
  });
});
