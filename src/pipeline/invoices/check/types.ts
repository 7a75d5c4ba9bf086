export type InvoiceFileType = 'pdf' | 'xml' | 'jpeg' | 'png' | 'webp' | 'csv';

export type InvoiceFileCheck = { ok: true; type: InvoiceFileType } | { ok: false; reason: string };

export interface InvoiceFileInput {
  bytes: Uint8Array;
  fileName: string;
  maxBytes: number;
  /** The setting that sets maxBytes, named in the reason; default by extension: intake.max_bytes.photo for
   * .jpg/.jpeg/.png/.webp, else intake.max_bytes.document. */
  limitName?: string;
}

export const PHOTO_TYPES: readonly InvoiceFileType[] = ['jpeg', 'png', 'webp'];

export const SEND_INSTEAD = 'send PDF, XML, CSV or a JPEG/PNG/WebP photo';
