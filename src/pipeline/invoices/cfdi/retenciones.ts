// retenciones:Retenciones 1.0 and 2.0 (withholding certificates) → RetencionesDocument.

import { sumDecimals } from './decimal.ts';
import { CfdiError } from './errors.ts';
import { Fields } from './fields.ts';
import { child, childNames, children } from './xml.ts';
import type { XmlElement } from './xml.ts';
import type { RetencionesDocument } from './types.ts';

function required(parent: XmlElement, name: string): XmlElement {
  const element = child(parent, name);
  if (element === undefined) {
    const field = `Retenciones/${name}`;
    throw new CfdiError(
      'missing_field',
      `${field} is missing; every withholding certificate has it. Check the file.`,
      field,
    );
  }
  return element;
}

export function readRetenciones(root: XmlElement, version: '1.0' | '2.0'): RetencionesDocument {
  const warnings: string[] = [];
  const f = new Fields(root, 'Retenciones');

  const complementos = children(root, 'Complemento');
  const timbre = complementos.map((c) => child(c, 'TimbreFiscalDigital')).find((t) => t !== undefined);
  const tfd = timbre === undefined ? null : new Fields(timbre, 'TimbreFiscalDigital');
  if (tfd === null) warnings.push('No TimbreFiscalDigital: the document is not stamped, so uuid is null.');

  const issuer = new Fields(required(root, 'Emisor'), 'Retenciones/Emisor');
  const receptor = required(root, 'Receptor');
  const receiverFields = new Fields(receptor, 'Retenciones/Receptor');
  const nacional = child(receptor, 'Nacional');
  const extranjero = child(receptor, 'Extranjero');
  const national = nacional === undefined ? null : new Fields(nacional, 'Retenciones/Receptor/Nacional');
  const foreign = extranjero === undefined ? null : new Fields(extranjero, 'Retenciones/Receptor/Extranjero');

  const period = new Fields(required(root, 'Periodo'), 'Retenciones/Periodo');
  const totalesElement = required(root, 'Totales');
  const totals = new Fields(totalesElement, 'Retenciones/Totales');
  const items = children(totalesElement, 'ImpRetenidos').map((e) => {
    const line = new Fields(e, 'Retenciones/Totales/ImpRetenidos');
    return {
      tax: line.optional('ImpuestoRet', 'Impuesto'),
      base: line.optionalAmount('BaseRet'),
      amount: line.amount('MontoRet', 'montoRet'),
      paymentType: line.optional('TipoPagoRet'),
    };
  });

  return {
    version,
    uuid: tfd?.optionalUuid('UUID') ?? null,
    stampedAt: tfd?.optionalDateTime('FechaTimbrado') ?? null,
    issuedAt: f.dateTime('FechaExp'),
    retentionCode: f.required('CveRetenc'),
    issuer: {
      rfc: issuer.rfc(warnings, 'RfcE', 'RFCEmisor'),
      name: issuer.optional('NomDenRazSocE'),
      taxRegime: issuer.optional('RegimenFiscalE'),
    },
    receiver: {
      nationality: receiverFields.optional('NacionalidadR', 'Nacionalidad'),
      rfc: national === null ? null : national.rfc(warnings, 'RfcR', 'RFCRecep'),
      name: (national ?? foreign)?.optional('NomDenRazSocR') ?? null,
      foreignTaxId: foreign?.optional('NumRegIdTribR', 'NumRegIdTrib') ?? null,
    },
    period: {
      startMonth: period.integer('MesIni'),
      endMonth: period.integer('MesFin'),
      year: period.integer('Ejercicio', 'Ejerc'),
    },
    totals: {
      operationAmount: totals.amount('MontoTotOperacion', 'montoTotOperacion'),
      taxedAmount: totals.optionalAmount('MontoTotGrav', 'montoTotGrav'),
      exemptAmount: totals.optionalAmount('MontoTotExent', 'montoTotExent'),
      withheldTotal: totals.optionalAmount('MontoTotRet', 'montoTotRet') ?? sumDecimals(items.map((i) => i.amount)),
      items,
    },
    complements: complementos.flatMap((c) => childNames(c)),
    warnings,
  };
}
