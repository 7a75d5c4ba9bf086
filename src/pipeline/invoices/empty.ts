import type { NewInvoice } from './records.ts';

/** An invoice row with nothing known yet: what each extractor fills in. */
export function emptyInvoice(): NewInvoice {
  return {
    kind: 'invoice',
    status: 'review',
    source: 'none',
    issuer_rfc: null,
    issuer_name: null,
    receiver_rfc: null,
    receiver_name: null,
    uuid: null,
    series: null,
    number: null,
    issued_at: null,
    currency: null,
    subtotal: null,
    discount: null,
    transferred: null,
    withheld: null,
    total: null,
    problems: '[]',
    data: '{}',
  };
}
