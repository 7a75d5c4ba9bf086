// Extensions and what the bytes are, in words for the sender.

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

const DESCRIPTIONS: Record<string, string> = {
  exe: 'a Windows executable (MZ)',
  elf: 'a Linux executable (ELF)',
  macho: 'a macOS executable (Mach-O)',
  zip: 'a ZIP archive',
  rar: 'a RAR archive',
  '7z': 'a 7-Zip archive',
  gz: 'a gzip archive',
  gif: 'a GIF image (image/gif)',
  docx: 'a Word document',
  xlsx: 'an Excel workbook',
  pdf: 'a PDF document',
  xml: 'an XML document',
  jpg: 'a JPEG image',
  png: 'a PNG image',
  webp: 'a WebP image',
};

export function describeDetected(detected: { ext: string; mime: string }): string {
  return DESCRIPTIONS[detected.ext] ?? `${detected.mime} (.${detected.ext})`;
}

export const TYPE_WORDS: Record<InvoiceFileType, string> = {
  pdf: 'a PDF document',
  xml: 'an XML document',
  jpeg: 'a JPEG image',
  png: 'a PNG image',
  webp: 'a WebP image',
  csv: 'CSV text',
};
