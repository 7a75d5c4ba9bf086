// Reading a file that holds one invoice: CFDI XML deterministically; a PDF's text by the model (with a key) or
// the heuristic extractor; a photo by vision. A file that cannot be read throws UnreadableFile (the job
// quarantines it); the model's failures are thrown as they are (the job decides: wait, retry or fail).
import { CfdiError, parseCfdi } from './cfdi/index.ts';
import { emptyInvoice } from './empty.ts';
import { pdfText } from './extract/index.ts';
import type { PdfText } from './extract/index.ts';
import { fromCfdi } from './from-cfdi.ts';
import { invoiceFromLlm } from './from-llm.ts';
import { invoiceFromPdfText } from './from-pdf.ts';
import type { InvoiceFileType } from './check/index.ts';
import type { OpenAIClient } from './openai/index.ts';
import type { NewInvoice } from './records.ts';
import type { Tokens } from './outcomes/index.ts';

export interface Reading {
  invoice: NewInvoice;
  tokens: Tokens;
  /** The file's role for its invoice: xml, pdf or image. */
  role: 'xml' | 'pdf' | 'image';
}

/** The bytes are not a readable invoice of their type (a damaged PDF, a broken CFDI): quarantine, not retry. */
export class UnreadableFile extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UnreadableFile';
  }
}

const NO_TOKENS: Tokens = { input: 0, output: 0 };

export async function readInvoiceFile(
  type: Exclude<InvoiceFileType, 'csv'>,
  bytes: Buffer,
  openai: OpenAIClient | null,
  now: Date,
  signal: AbortSignal,
  o: { pdfTimeoutMs?: number } = {},
): Promise<Reading> {
  if (type === 'xml') {
    try {
      return { invoice: fromCfdi(parseCfdi(bytes)), tokens: NO_TOKENS, role: 'xml' };
    } catch (err) {
      if (err instanceof CfdiError) throw new UnreadableFile(err.message, { cause: err });
      throw err;
    }
  }
  if (type === 'pdf') return { ...(await readPdf(bytes, openai, now, signal, o.pdfTimeoutMs)), role: 'pdf' };
  if (!openai) {
    const problems = [{ key: 'invoice-no-photo-reader' }];
    return { invoice: { ...emptyInvoice(), problems: JSON.stringify(problems) }, tokens: NO_TOKENS, role: 'image' };
  }
  const read = await invoiceFromLlm(openai, { images: [{ mime: `image/${type}`, bytes }] }, now, signal);
  return { invoice: read.invoice, tokens: read.tokens, role: 'image' };
}

/**
 * With a key, the PDF's text goes to the model and its answer is cross-checked against that text; without, the
 * heuristic reads it. A scan (no text layer) goes to review either way: vision would need its pages rendered as
 * images, and there is no renderer here.
 */
async function readPdf(
  bytes: Buffer,
  openai: OpenAIClient | null,
  now: Date,
  signal: AbortSignal,
  timeoutMs?: number,
): Promise<{ invoice: NewInvoice; tokens: Tokens }> {
  let text: PdfText;
  try {
    text = await pdfText(bytes, { timeoutMs, signal });
  } catch (err) {
    if (signal.aborted) throw err; // shutting down: the job is released, the file is not to blame
    throw new UnreadableFile((err as Error).message, { cause: err }); // damaged, password-protected, or out of time
  }
  if (!openai || !text.hasText) return { invoice: invoiceFromPdfText(text, now, openai !== null), tokens: NO_TOKENS };
  const read = await invoiceFromLlm(openai, { text: text.pages.join('\n') }, now, signal);
  return { invoice: read.invoice, tokens: read.tokens };
}
