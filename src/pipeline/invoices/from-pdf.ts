// A PDF invoice without the key for an LLM: its text layer read by the heuristic extractor, normalised and
// validated. Low confidence, doubtful checks or no text at all → review, saying why.
import { heuristicExtract } from './extract/index.ts';
import type { PdfText } from './extract/index.ts';
import { normaliseFields, validateInvoice } from './validate/index.ts';
import type { NewInvoice } from './records.ts';
import { emptyInvoice, invoiceFromFields } from './empty.ts';

/** Why a scan goes to review: vision needs the pages as images, and this installation has no page renderer. */
export const NO_TEXT_LAYER = 'the PDF has no text layer and no page renderer is available; read it by hand or send a photo';

/** A PDF's text layer, already read, as an invoice. */
export function invoiceFromPdfText(text: PdfText, now: Date): NewInvoice {
  if (!text.hasText) {
    return {
      ...emptyInvoice(),
      status: 'review',
      source: 'pdf',
      problems: JSON.stringify([NO_TEXT_LAYER]),
    };
  }
  const joined = text.pages.join('\n');
  const extracted = heuristicExtract(joined);
  const { fields, problems: normaliseProblems } = normaliseFields(extracted.fields);
  const check = validateInvoice(fields, { now, sourceText: joined });
  const problems = [...normaliseProblems, ...check.problems, ...check.review, ...(extracted.review ? [`low confidence (${extracted.confidence.toFixed(2)}): ${extracted.notes.join('; ')}`] : [])];
  return invoiceFromFields(fields, {
    status: check.ok && check.review.length === 0 && !extracted.review && normaliseProblems.length === 0 ? 'ok' : 'review',
    source: 'pdf',
    problems,
    data: { fields, confidence: extracted.confidence, notes: extracted.notes },
  });
}
