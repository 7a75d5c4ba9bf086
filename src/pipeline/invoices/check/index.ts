// Checking an invoice file before it is read: type by magic bytes and extension together, size, emptiness.

export { checkInvoiceFile } from './check.ts';
export { extensionOf } from './names.ts';
export { decodeText, looksLikeXml, csvProblem } from './text.ts';
export { SEND_INSTEAD } from './types.ts';
export type { InvoiceFileCheck, InvoiceFileInput, InvoiceFileType } from './types.ts';
