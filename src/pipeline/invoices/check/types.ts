import type { MessageRef } from '../../../core/messages.ts';

export type InvoiceFileType = 'pdf' | 'xml' | 'jpeg' | 'png' | 'webp' | 'csv';

/** A refusal's `reason` is English (the API, the log, the CLI); its `message` reads in either language. */
export type InvoiceFileCheck = { ok: true; type: InvoiceFileType } | { ok: false; reason: string; message: MessageRef };

export interface InvoiceFileInput {
  bytes: Uint8Array;
  fileName: string;
  maxBytes: number;
  /** The setting that sets maxBytes, named in the reason; default by extension: intake.max_bytes.photo for
   * .jpg/.jpeg/.png/.webp, else intake.max_bytes.document. */
  limitName?: string;
  /**
   * A CSV row with another number of columns than the header: 'file' (default) refuses the whole file; 'row'
   * accepts the file and leaves that row to the CSV reader, which records it as that row's error.
   */
  csvRows?: 'file' | 'row';
}

export const PHOTO_TYPES: readonly InvoiceFileType[] = ['jpeg', 'png', 'webp'];

export const SEND_INSTEAD = 'send PDF, XML, CSV or a JPEG/PNG/WebP photo';
