// A PDF invoice without the key for an LLM: its text layer read by the heuristic extractor, normalised and
// validated. Low confidence, doubtful checks or no text at all → review, saying why.
import { REVIEW_THRESHOLD, heuristicExtract } from './extract/index.ts';
import type { InvoiceFields, PdfText } from './extract/index.ts';
import { fieldLabel, normaliseFields, validateInvoice } from './validate/index.ts';
import type { NewInvoice } from './records.ts';
import { emptyInvoice, invoiceFromFields } from './empty.ts';

/**
 * Why a scan goes to review without OPENAI_API_KEY: nothing here reads images (a photo of it would wait the same way),
 * so a person reads it and approves it with the values.
 */
export const NO_TEXT_LAYER =
  'the PDF has no text layer (a scan) and no OPENAI_API_KEY is set to read images: read it by hand, then centinela invoices approve ID --field total=… (or set OPENAI_API_KEY and send a photo of it)';

/** With OPENAI_API_KEY: vision reads photos, but a scanned PDF's pages cannot be rendered as images here. */
export const NO_TEXT_LAYER_WITH_VISION =
  'the PDF has no text layer (a scan) and no page renderer is available to send it to vision: send a photo of it instead, or read it by hand and approve it with the values';

/** A PDF's text layer, already read, as an invoice. `vision`: OPENAI_API_KEY is set, so a photo would be read. */
export function invoiceFromPdfText(text: PdfText, now: Date, vision = false): NewInvoice {
  if (!text.hasText) {
    return {
      ...emptyInvoice(),
      status: 'review',
      source: 'pdf',
      problems: JSON.stringify([vision ? NO_TEXT_LAYER_WITH_VISION : NO_TEXT_LAYER]),
    };
  }
  const joined = text.pages.join('\n');
  const extracted = heuristicExtract(joined);
  const { fields, problems: normaliseProblems } = normaliseFields(extracted.fields);
  const check = validateInvoice(fields, { now, sourceText: joined });
  // A value read without a label that settles it is offered to the reviewer as a guess, never as a reading.
  const guesses = (Object.entries(extracted.unsure) as Array<[keyof InvoiceFields, string]>).map(([field, why]) =>
    fields[field] === undefined ? `the ${fieldLabel(field)} could not be told (${why})` : `the ${fieldLabel(field)} ${fields[field]} is a guess: ${why}`,
  );
  const lowConfidence = extracted.confidence < REVIEW_THRESHOLD ? [`low confidence (${extracted.confidence.toFixed(2)}): ${extracted.notes.join('; ')}`] : [];
  const problems = [...normaliseProblems, ...check.problems, ...check.review, ...guesses, ...lowConfidence];
  return invoiceFromFields(fields, {
    status: check.ok && check.review.length === 0 && !extracted.review && normaliseProblems.length === 0 ? 'ok' : 'review',
    source: 'pdf',
    problems,
    data: { fields, confidence: extracted.confidence, notes: extracted.notes, unsure: extracted.unsure },
  });
}
