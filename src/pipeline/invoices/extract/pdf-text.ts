// A PDF's text layer through unpdf (PDF.js). Scanned PDFs have none: they go to the photo path instead.


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

/** Rejects with "the PDF could not be read: …" when PDF.js cannot open it (damaged, encrypted). */
export async function pdfText(bytes: Uint8Array): Promise<PdfText> {
  let pages: string[];
  try {
    // A copy: PDF.js may take over (detach) the buffer it is given.
    // pdf.js is large: load it with the first PDF, not at start (an idle service keeps ~10 MB less).
    const { extractText } = await import('unpdf');
    ({ text: pages } = await extractText(new Uint8Array(bytes), { mergePages: false }));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`the PDF could not be read: ${reason}. It may be damaged or password-protected; send it again.`, {
      cause: error,
    });
  }
  return { pages, hasText: pages.some(pageHasText) };
}
