// What to do with a Drive file found in the watched tree: take it (download or export), ignore it with a reason,
// or nothing when this content was already taken (dedup by Drive id + checksum).
import { INVOICE_FILE_NAME } from '../record.ts';
import type { DriveFile } from './api.ts';
import type { DriveFileRow } from './tables.ts';

/** Google-native documents Drive can export as PDF. */
const EXPORTABLE = new Set([
  'application/vnd.google-apps.document',
  'application/vnd.google-apps.spreadsheet',
  'application/vnd.google-apps.presentation',
  'application/vnd.google-apps.drawing',
]);

export type Decision =
  | { kind: 'take'; name: string; exportPdf: boolean; checksum: string }
  | { kind: 'ignore'; checksum: string; reason: string }
  | { kind: 'known'; checksum: string };

/** What "this content" is: Drive's md5 (or sha256), or the version of a Google document (which has neither). */
export function checksumOf(file: DriveFile): string {
  return file.md5Checksum ?? file.sha256Checksum ?? `v${file.version ?? file.modifiedTime}`;
}

export function decide(file: DriveFile, known: DriveFileRow | undefined, googleDocs: 'export' | 'skip'): Decision {
  const checksum = checksumOf(file);
  if (known && known.checksum === checksum && known.take !== 'failed') return { kind: 'known', checksum };
  if (file.mimeType.startsWith('application/vnd.google-apps.')) {
    if (!EXPORTABLE.has(file.mimeType))
      return { kind: 'ignore', checksum, reason: `a Google ${file.mimeType.split('.').pop()} is not an invoice` };
    if (googleDocs === 'skip')
      return { kind: 'ignore', checksum, reason: 'a Google document, skipped (drive.google_docs: skip)' };
    return { kind: 'take', name: `${file.name}.pdf`, exportPdf: true, checksum };
  }
  if (!INVOICE_FILE_NAME.test(file.name)) {
    const ext = /\.[^.]+$/.exec(file.name)?.[0] ?? 'no extension';
    return { kind: 'ignore', checksum, reason: `not an invoice file type (${ext}): PDF, XML, CSV or a photo` };
  }
  return { kind: 'take', name: file.name, exportPdf: false, checksum };
}
