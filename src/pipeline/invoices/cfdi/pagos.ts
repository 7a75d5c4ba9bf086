// The payments complement (Pagos 1.0 with CFDI 3.3, Pagos 2.0 with CFDI 4.0) of a type P document.

import { CfdiError } from './errors.ts';
import { Fields } from './fields.ts';
import { child, children } from './xml.ts';
import type { XmlElement } from './xml.ts';
import type { Payment, PaymentsComplement, RelatedPaymentDocument } from './types.ts';

function relatedDocument(element: XmlElement): RelatedPaymentDocument {
  const f = new Fields(element, 'Pagos/Pago/DoctoRelacionado');
  return {
    uuid: f.optionalUuid('IdDocumento'),
    series: f.optional('Serie'),
    folio: f.optional('Folio'),
    currency: f.optional('MonedaDR'),
    exchangeRate: f.optionalDecimal('EquivalenciaDR', 'TipoCambioDR'),
    installment: f.optional('NumParcialidad'),
    previousBalance: f.optionalAmount('ImpSaldoAnt'),
    paidAmount: f.optionalAmount('ImpPagado'),
    balance: f.optionalAmount('ImpSaldoInsoluto'),
  };
}

function payment(element: XmlElement): Payment {
  const f = new Fields(element, 'Pagos/Pago');
  return {
    paidAt: f.dateTime('FechaPago'),
    form: f.optional('FormaDePagoP'),
    currency: f.required('MonedaP'),
    exchangeRate: f.optionalDecimal('TipoCambioP'),
    amount: f.amount('Monto'),
    operationNumber: f.optional('NumOperacion'),
    relatedDocuments: children(element, 'DoctoRelacionado').map(relatedDocument),
  };
}

/** The Pagos complement found in any Complemento, or null when there is none. */
export function paymentsComplement(complementos: readonly XmlElement[]): PaymentsComplement | null {
  const pagos = complementos.map((c) => child(c, 'Pagos')).find((p) => p !== undefined);
  if (pagos === undefined) return null;
  const f = new Fields(pagos, 'Pagos');
  const version = f.required('Version');
  if (version !== '1.0' && version !== '2.0') {
    throw new CfdiError(
      'unsupported_version',
      `Pagos@Version "${version}" is not a payments complement version this parser knows (1.0, 2.0); the payment cannot be read.`,
      'Pagos@Version',
    );
  }
  const totales = child(pagos, 'Totales');
  return {
    version,
    totalAmount: totales === undefined ? null : new Fields(totales, 'Pagos/Totales').optionalAmount('MontoTotalPagos'),
    payments: children(pagos, 'Pago').map(payment),
  };
}
