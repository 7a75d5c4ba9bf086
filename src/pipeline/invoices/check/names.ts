// Extensions and what the bytes are, in words for the sender (messages from src/locales).

import type { MessageRef, StoredText } from '../../../core/messages.ts';
import type { InvoiceFileType } from './types.ts';

const EXTENSIONS: Record<string, InvoiceFileType> = {
  pdf: 'pdf',
  xml: 'xml',
  jpg: 'jpeg',
  jpeg: 'jpeg',
  jpe: 'jpeg',
  png: 'png',
  webp: 'webp',
  csv: 'csv',
};

/** "Factura.PDF" → "pdf"; "" when the name has no extension. */
export function extensionOf(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

export function typeOfExtension(extension: string): InvoiceFileType | undefined {
  return EXTENSIONS[extension];
}

const MIME_TYPES: Record<string, InvoiceFileType> = {
  'application/pdf': 'pdf',
  'application/xml': 'xml',
  'text/xml': 'xml',
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
};

export function typeOfMime(mime: string): InvoiceFileType | undefined {
  return MIME_TYPES[mime];
}

/** Kinds of bytes file-type recognises that are worth naming to the sender (src/locales: type-*). */
const DESCRIBED = [
  'exe',
  'elf',
  'macho',
  'zip',
  'rar',
  '7z',
  'gz',
  'gif',
  'docx',
  'xlsx',
  'pdf',
  'xml',
  'jpg',
  'png',
  'webp',
];

/** What the bytes are, as a message ("a Windows executable (MZ)"), or the MIME type and extension. */
export function describeDetected(detected: { ext: string; mime: string }): StoredText {
  return DESCRIBED.includes(detected.ext) ? { key: `type-${detected.ext}` } : `${detected.mime} (.${detected.ext})`;
}

/** "a PDF document", as a message. */
export function typeWord(type: InvoiceFileType): MessageRef {
  return { key: `type-word-${type}` };
}
