// A PDF invoice without the key for an LLM: its text layer read by the heuristic extractor, normalised and
// validated. Low confidence, doubtful checks or no text at all → review, saying why.
import { REVIEW_THRESHOLD, heuristicExtract } from './extract/index.ts';
import type { InvoiceFields, PdfText } from './extract/index.ts';
import { fieldRef, normaliseFields, validateInvoice } from './validate/index.ts';
import type { MessageRef, StoredText } from '../../core/messages.ts';
import type { NewInvoice } from './records.ts';
import { emptyInvoice, invoiceFromFields } from './empty.ts';

/**
 * Why a scan goes to review without OPENAI_API_KEY: nothing here reads images (a photo of it would wait the same way),
 * so a person reads it and approves it with the values.
 */
export const NO_TEXT_LAYER: MessageRef = { key: 'invoice-no-text-layer' };

/** With OPENAI_API_KEY: vision reads photos, but a scanned PDF's pages cannot be rendered as images here. */
export const NO_TEXT_LAYER_WITH_VISION: MessageRef = { key: 'invoice-no-text-layer-vision' };

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
  // The extractor's own notes (why, notes) are technical and stay as written.
  const guesses = (Object.entries(extracted.unsure) as Array<[keyof InvoiceFields, string]>).map(
    ([field, why]): StoredText => {
      const value = fields[field];
      return value === undefined
        ? { key: 'invoice-field-unknown', vars: { field: fieldRef(field), why } }
        : { key: 'invoice-field-guess', vars: { field: fieldRef(field), value, why } };
    },
  );
  const lowConfidence: StoredText[] =
    extracted.confidence < REVIEW_THRESHOLD
      ? [
          {
            key: 'invoice-low-confidence',
            vars: { confidence: extracted.confidence.toFixed(2), notes: extracted.notes.join('; ') },
          },
        ]
      : [];
  const problems = [...normaliseProblems, ...check.problems, ...check.review, ...guesses, ...lowConfidence];
  return invoiceFromFields(fields, {
    status:
      check.ok && check.review.length === 0 && !extracted.review && normaliseProblems.length === 0 ? 'ok' : 'review',
    source: 'pdf',
    problems,
    data: { fields, confidence: extracted.confidence, notes: extracted.notes, unsure: extracted.unsure },
  });
}
