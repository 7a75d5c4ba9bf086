// cfdi:Comprobante 3.2, 3.3 and 4.0 → CfdiDocument.

import { CfdiError } from './errors.ts';
import { Fields } from './fields.ts';
import { paymentsComplement } from './pagos.ts';
import { documentTaxes, localTaxes, taxLines } from './taxes.ts';
import { child, childNames, children } from './xml.ts';
import type { XmlElement } from './xml.ts';
import type { CfdiCategory, CfdiDocument, CfdiItem, CfdiType, CfdiVersion } from './types.ts';

const CATEGORY: Readonly<Record<CfdiType, CfdiCategory>> = {
  I: 'invoice',
  E: 'credit_note',
  P: 'payment',
  N: 'payroll',
  T: 'transfer',
};

const LEGACY_TYPES: Readonly<Record<string, CfdiType>> = { ingreso: 'I', egreso: 'E', traslado: 'T' };

function documentType(f: Fields, legacy: boolean, complements: readonly string[]): CfdiType {
  if (legacy) {
    const written = f.required('tipoDeComprobante');
    const type = LEGACY_TYPES[written.toLowerCase()];
    if (type === undefined) {
      throw new CfdiError(
        'invalid_value',
        `Comprobante@tipoDeComprobante "${written}" is not ingreso, egreso or traslado (the CFDI 3.2 types). Check the file.`,
        'Comprobante@tipoDeComprobante',
      );
    }
    // 3.2 payroll receipts are "egreso" documents carrying the Nomina complement.
    return complements.includes('Nomina') ? 'N' : type;
  }
  const written = f.required('TipoDeComprobante');
  const type = written.toUpperCase();
  if (type === 'I' || type === 'E' || type === 'P' || type === 'N' || type === 'T') return type;
  throw new CfdiError(
    'invalid_value',
    `Comprobante@TipoDeComprobante "${written}" is not one of I, E, P, N, T. Check the file is an unaltered CFDI.`,
    'Comprobante@TipoDeComprobante',
  );
}

const PESO_SPELLINGS = new Set([
  'MXN',
  'MN',
  'MXP',
  'PESO',
  'PESOS',
  'PESOMEXICANO',
  'PESOSMEXICANOS',
  'NACIONAL',
  'MONEDANACIONAL',
]);

/** 3.3+ uses ISO 4217 codes; 3.2 often wrote free text ("Pesos", "M.N."), mapped to MXN when it clearly is. */
function currency(f: Fields, legacy: boolean, warnings: string[]): string {
  const written = f.optional('Moneda', 'moneda');
  if (written === null) return 'MXN';
  if (!legacy) return written.toUpperCase();
  const compact = written.toUpperCase().replace(/[\s.]/g, '');
  if (PESO_SPELLINGS.has(compact)) return 'MXN';
  if (/^[A-Z]{3}$/.test(compact)) return compact;
  warnings.push(`Comprobante@Moneda "${written}" is not an ISO currency code; recorded as written.`);
  return written;
}

function item(element: XmlElement, legacy: boolean): CfdiItem {
  const f = new Fields(element, 'Concepto');
  const taxes = legacy
    ? { transferred: [], withheld: [] }
    : taxLines(child(element, 'Impuestos'), 'Concepto/Impuestos', false);
  return {
    productCode: f.optional('ClaveProdServ'),
    identification: f.optional('NoIdentificacion', 'noIdentificacion'),
    quantity: f.decimal('Cantidad', 'cantidad'),
    unit: f.optional('Unidad', 'unidad'),
    unitCode: f.optional('ClaveUnidad'),
    description: f.required('Descripcion', 'descripcion'),
    unitValue: f.amount('ValorUnitario', 'valorUnitario'),
    amount: f.amount('Importe', 'importe'),
    discount: f.optionalAmount('Descuento', 'descuento'),
    taxes,
  };
}

export function readComprobante(root: XmlElement, version: CfdiVersion): CfdiDocument {
  const legacy = version === '3.2';
  const warnings: string[] = [];
  const f = new Fields(root, 'Comprobante');

  const complementos = children(root, 'Complemento');
  const complements = complementos.flatMap((c) => childNames(c));
  const timbre = complementos.map((c) => child(c, 'TimbreFiscalDigital')).find((t) => t !== undefined);
  const tfd = timbre === undefined ? null : new Fields(timbre, 'TimbreFiscalDigital');

  const emisor = child(root, 'Emisor');
  const receptor = child(root, 'Receptor');
  if (emisor === undefined || receptor === undefined) {
    const field = emisor === undefined ? 'Comprobante/Emisor' : 'Comprobante/Receptor';
    throw new CfdiError(
      'missing_field',
      `${field} is missing; every CFDI names its issuer and receiver. Check the file.`,
      field,
    );
  }
  const issuer = new Fields(emisor, 'Emisor');
  const receiver = new Fields(receptor, 'Receptor');
  const legacyRegime = children(emisor, 'RegimenFiscal')
    .map((r) => new Fields(r, 'Emisor/RegimenFiscal').optional('Regimen'))
    .filter((r): r is string => r !== null);

  const type = documentType(f, legacy, complements);
  const isPayment = type === 'P';
  const document: CfdiDocument = {
    version,
    uuid: tfd?.optionalUuid('UUID') ?? null,
    stampedAt: tfd?.optionalDateTime('FechaTimbrado') ?? null,
    type,
    category: CATEGORY[type],
    series: f.optional('Serie', 'serie'),
    folio: f.optional('Folio', 'folio'),
    issuedAt: f.dateTime('Fecha', 'fecha'),
    issuer: {
      rfc: issuer.rfc(warnings, 'Rfc', 'rfc'),
      name: issuer.optional('Nombre', 'nombre'),
      taxRegime: legacy ? (legacyRegime.length > 0 ? legacyRegime.join('; ') : null) : issuer.optional('RegimenFiscal'),
    },
    receiver: {
      rfc: receiver.rfc(warnings, 'Rfc', 'rfc'),
      name: receiver.optional('Nombre', 'nombre'),
      cfdiUse: receiver.optional('UsoCFDI'),
      taxRegime: receiver.optional('RegimenFiscalReceptor'),
    },
    currency: currency(f, legacy, warnings),
    exchangeRate: f.optionalDecimal('TipoCambio'),
    subtotal: f.amount('SubTotal', 'subTotal'),
    discount: f.optionalAmount('Descuento', 'descuento'),
    total: f.amount('Total', 'total'),
    taxes: documentTaxes(root, legacy),
    localTaxes: localTaxes(complementos),
    // 3.2's metodoDePago held what 3.3+ calls FormaPago (cash, card…) and its formaDePago what 3.3+ calls
    // MetodoPago (one payment or instalments); both are recorded under the 3.3+ meaning, as written.
    paymentForm: legacy ? f.optional('metodoDePago') : f.optional('FormaPago'),
    paymentMethod: legacy ? f.optional('formaDePago') : f.optional('MetodoPago'),
    items: children(child(root, 'Conceptos'), 'Concepto').map((c) => item(c, legacy)),
    payments: isPayment ? paymentsComplement(complementos) : null,
    complements,
    warnings,
  };
  if (tfd === null) warnings.push('No TimbreFiscalDigital: the document is not stamped, so uuid is null.');
  if (isPayment && document.payments === null) warnings.push('Type P document without a Pagos complement.');
  return document;
}
