// A CFDI's parse result as an invoice row. Payment, payroll and transfer documents keep their own kind, and
// Retenciones documents are recorded as such: none of them is counted as an invoice. Every kind is held to the same
// rule: a document with a warning (not stamped, an empty RFC) or whose sums disagree goes to review, saying why.
import { cfdiProblems } from './cfdi/index.ts';
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
      problems: JSON.stringify(r.warnings),
      data: JSON.stringify(r),
    };
  }
  const c = result.document;
  const problems = [...c.warnings, ...cfdiProblems(c)];
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
