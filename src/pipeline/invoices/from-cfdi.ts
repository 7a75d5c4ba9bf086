// A CFDI's parse result as an invoice row. Payment, payroll and transfer documents keep their own kind, and
// Retenciones documents are recorded as such: none of them is counted as an invoice. Every kind is held to the same
// rule: a document with a warning (not stamped, an empty RFC) or whose sums disagree goes to review, saying why.
import { cfdiProblems } from './cfdi/index.ts';
import type { StoredText } from '../../core/messages.ts';
import { emptyInvoice } from './empty.ts';
import type { CfdiResult } from './cfdi/index.ts';
import type { NewInvoice } from './records.ts';

/** Payment, payroll and transfer documents are recorded as such, not as invoices; so are Retenciones. */
export function fromCfdi(result: CfdiResult): NewInvoice {
  if (result.kind === 'retenciones') {
    const r = result.document;
    return {
      ...emptyInvoice(),
      kind: 'retenciones',
      status: r.warnings.length ? 'review' : 'ok',
      source: 'cfdi',
      issuer_rfc: r.issuer.rfc,
      issuer_name: r.issuer.name,
      receiver_rfc: r.receiver.rfc,
      receiver_name: r.receiver.name,
      uuid: r.uuid,
      issued_at: r.issuedAt,
      total: r.totals.operationAmount,
      withheld: r.totals.withheldTotal,
      problems: JSON.stringify(r.warnings.map(warningMessage)),
      data: JSON.stringify(r),
    };
  }
  const c = result.document;
  const problems = [...c.warnings.map(warningMessage), ...cfdiProblems(c)];
  return {
    kind: c.category,
    status: problems.length ? 'review' : 'ok',
    source: 'cfdi',
    issuer_rfc: c.issuer.rfc,
    issuer_name: c.issuer.name,
    receiver_rfc: c.receiver.rfc,
    receiver_name: c.receiver.name,
    uuid: c.uuid,
    series: c.series,
    number: c.folio,
    issued_at: c.issuedAt,
    currency: c.currency,
    subtotal: c.subtotal,
    discount: c.discount,
    transferred: c.taxes.transferred.total,
    withheld: c.taxes.withheld.total,
    total: c.total,
    problems: JSON.stringify(problems),
    data: JSON.stringify(c),
  };
}

/**
 * The parser's warnings (its own sentences, kept in English in the parsed document) as messages for the reviewer,
 * in either language; a warning not listed here stays as written.
 */
function warningMessage(warning: string): StoredText {
  if (warning === 'No TimbreFiscalDigital: the document is not stamped, so uuid is null.')
    return { key: 'cfdi-not-stamped' };
  if (warning === 'Type P document without a Pagos complement.') return { key: 'cfdi-no-pagos' };
  const empty = /^(\S+) is empty; the RFC was recorded as null\.$/.exec(warning);
  if (empty) return { key: 'cfdi-empty-rfc', vars: { field: empty[1] as string } };
  const currency = /^Comprobante@Moneda "(.*)" is not an ISO currency code; recorded as written\.$/.exec(warning);
  if (currency) return { key: 'cfdi-currency', vars: { value: currency[1] as string } };
  return warning;
}
