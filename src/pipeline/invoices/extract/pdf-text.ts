// A PDF's text layer through unpdf (PDF.js), read in a worker thread with a time limit (pdf-reader.ts). Scanned
// PDFs have none.
import { PdfTimeout, readPdfPages } from './pdf-reader.ts';

/** invoices.pdf_timeout_seconds's default, for callers without a config. */
export const DEFAULT_PDF_TIMEOUT_MS = 30_000;

/** A page with fewer non-space characters than this counts as without text (stray page numbers, marks). */
export const MIN_PAGE_TEXT = 20;

export interface PdfText {
  /** The text of each page, in order, as PDF.js gives it. */
  pages: string[];
  /** Some page has at least MIN_PAGE_TEXT non-space characters. */
  hasText: boolean;
}

export function pageHasText(page: string): boolean {
  return page.replace(/\s+/g, '').length >= MIN_PAGE_TEXT;
}

/**
 * Rejects with "the PDF could not be read: …" when PDF.js cannot open it (damaged, encrypted), with PdfTimeout when
 * it takes longer than `timeoutMs`, and with the signal's reason when that aborts.
 */
export async function pdfText(
  bytes: Uint8Array,
  o: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<PdfText> {
  let pages: string[];
  try {
    pages = await readPdfPages(bytes, o.timeoutMs ?? DEFAULT_PDF_TIMEOUT_MS, o.signal);
  } catch (error) {
    if (error instanceof PdfTimeout || o.signal?.aborted) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`the PDF could not be read: ${reason}. It may be damaged or password-protected; send it again.`, {
      cause: error,
    });
  }
  return { pages, hasText: pages.some(pageHasText) };
}
