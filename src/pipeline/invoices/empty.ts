import type { StoredText } from '../../core/messages.ts';
import type { InvoiceFields } from './extract/index.ts';
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

/** An invoice row from extracted fields (PDF text, OpenAI): what is not known stays null. */
export function invoiceFromFields(
  fields: Partial<InvoiceFields>,
  meta: Pick<NewInvoice, 'status' | 'source'> & { problems: StoredText[]; data: unknown },
): NewInvoice {
  return {
    kind: 'invoice',
    status: meta.status,
    source: meta.source,
    issuer_rfc: fields.issuerRfc ?? null,
    issuer_name: fields.issuerName ?? null,
    receiver_rfc: fields.receiverRfc ?? null,
    receiver_name: fields.receiverName ?? null,
    uuid: fields.uuid ?? null,
    series: fields.series ?? null,
    number: fields.number ?? null,
    issued_at: fields.issuedAt ?? null,
    currency: fields.currency ?? null,
    subtotal: fields.subtotal ?? null,
    discount: fields.discount ?? null,
    transferred: fields.transferredTaxes ?? null,
    withheld: fields.withheldTaxes ?? null,
    total: fields.total ?? null,
    problems: JSON.stringify(meta.problems),
    data: JSON.stringify(meta.data),
  };
}
