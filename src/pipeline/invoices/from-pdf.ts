// A PDF invoice without the key for an LLM: its text layer read by the heuristic extractor, normalised and
// validated. Low confidence, doubtful checks or no text at all → review, saying why.
import { heuristicExtract, pdfText } from './extract/index.ts';
import { normaliseFields, validateInvoice } from './validate/index.ts';
import type { NewInvoice } from './records.ts';
import { emptyInvoice, invoiceFromFields } from './empty.ts';

export async function invoiceFromPdf(bytes: Buffer, now: Date): Promise<NewInvoice> {
  const text = await pdfText(bytes);
  if (!text.hasText) {
    return {
      ...emptyInvoice(),
      status: 'review',
      source: 'pdf',
      problems: JSON.stringify(['the PDF has no text layer (a scan): vision would need its pages rendered as images, and no renderer is installed; a person must read it']),
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
