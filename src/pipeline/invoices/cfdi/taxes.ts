// Tax lines (Traslado / Retencion) for CFDI 3.2, 3.3 and 4.0, at document and item level.

import { percentToRate, sumDecimals } from './decimal.ts';
import { Fields } from './fields.ts';
import { child, children } from './xml.ts';
import type { XmlElement } from './xml.ts';
import type { TaxGroup, TaxLine, Taxes } from './types.ts';

/** 3.2 names taxes; 3.3+ uses SAT codes. */
const TAX_CODES: Readonly<Record<string, string>> = { ISR: '001', IVA: '002', IEPS: '003' };

function taxLine(element: XmlElement, where: string, legacy: boolean): TaxLine {
  const f = new Fields(element, where);
  if (legacy) {
    const name = f.required('impuesto');
    const tasa = f.optional('tasa');
    return {
      tax: TAX_CODES[name.toUpperCase()] ?? name,
      factor: null,
      rate: tasa === null ? null : percentToRate(tasa, `${where}@tasa`),
      base: null,
      amount: f.amount('importe'),
    };
  }
  return {
    tax: f.required('Impuesto'),
    factor: f.optional('TipoFactor'),
    rate: f.optionalDecimal('TasaOCuota'),
    base: f.optionalAmount('Base'),
    amount: f.optionalAmount('Importe'),
  };
}

/** Transferred and withheld lines under an Impuestos element (absent → empty lists). */
export function taxLines(
  impuestos: XmlElement | undefined,
  where: string,
  legacy: boolean,
): { transferred: TaxLine[]; withheld: TaxLine[] } {
  const transferred = children(child(impuestos, 'Traslados'), 'Traslado').map((e) =>
    taxLine(e, `${where}/Traslado`, legacy),
  );
  const withheld = children(child(impuestos, 'Retenciones'), 'Retencion').map((e) =>
    taxLine(e, `${where}/Retencion`, legacy),
  );
  return { transferred, withheld };
}

function group(total: string | null, items: TaxLine[]): TaxGroup {
  const amounts = items.map((i) => i.amount).filter((a): a is string => a !== null);
  return { total: total ?? sumDecimals(amounts), items };
}

/** Document-level taxes; a missing total is the exact sum of its lines ("0.00" when there are none). */
export function documentTaxes(comprobante: XmlElement, legacy: boolean): Taxes {
  const impuestos = child(comprobante, 'Impuestos');
  const lines = taxLines(impuestos, 'Impuestos', legacy);
  const f = new Fields(impuestos ?? {}, 'Impuestos');
  return {
    transferred: group(f.optionalAmount('TotalImpuestosTrasladados', 'totalImpuestosTrasladados'), lines.transferred),
    withheld: group(f.optionalAmount('TotalImpuestosRetenidos', 'totalImpuestosRetenidos'), lines.withheld),
  };
}

/** implocal:ImpuestosLocales (TotaldeTraslados, TotaldeRetenciones) from any Complemento; null when absent. */
export function localTaxes(complementos: readonly XmlElement[]): { transferred: string; withheld: string } | null {
  const element = complementos.map((c) => child(c, 'ImpuestosLocales')).find((e) => e !== undefined);
  if (element === undefined) return null;
  const f = new Fields(element, 'ImpuestosLocales');
  return {
    transferred: f.optionalAmount('TotaldeTraslados') ?? '0.00',
    withheld: f.optionalAmount('TotaldeRetenciones') ?? '0.00',
  };
}
