// A PDF invoice without the key for an LLM: its text layer read by the heuristic extractor, normalised and
// validated. Low confidence, doubtful checks or no text at all → review, saying why.
import { heuristicExtract, pdfText } from './extract/index.ts';
import { normaliseFields, validateInvoice } from './validate/index.ts';
import type { NewInvoice } from './records.ts';
import { emptyInvoice } from './empty.ts';

export async function invoiceFromPdf(bytes: Buffer, now: Date): Promise<NewInvoice> {
  const text = await pdfText(bytes);
  if (!text.hasText) {
    return {
      ...emptyInvoice(),
      status: 'review',
      source: 'pdf',
      problems: JSON.stringify(['the PDF has no text layer (a scan): reading it needs vision, which is not configured here; a person must read it']),
    };
  }
  const joined = text.pages.join('\n');
  const extracted = heuristicExtract(joined);
  const { fields, problems: normaliseProblems } = normaliseFields(extracted.fields);
  const check = validateInvoice(fields, { now, sourceText: joined });
  const problems = [...normaliseProblems, ...check.problems, ...check.review, ...(extracted.review ? [`low confidence (${extracted.confidence.toFixed(2)}): ${extracted.notes.join('; ')}`] : [])];
  return {
    kind: 'invoice',
    status: check.ok && check.review.length === 0 && !extracted.review && normaliseProblems.length === 0 ? 'ok' : 'review',
    source: 'pdf',
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
    problems: JSON.stringify(problems),
    data: JSON.stringify({ fields, confidence: extracted.confidence, notes: extracted.notes }),
  };
}
