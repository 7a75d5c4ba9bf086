// Telegram's media objects (Document, Video, PhotoSize[]) for files in the FileStore.
import type { Document, PhotoSize, Video } from '@grammyjs/types';
import { extname } from 'node:path';
import type { FileStore, StoredFile } from './files.ts';
import type { FakeFile } from './types.ts';

const EXT_MIME: Record<string, string> = {
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  pdf: 'application/pdf',
  zip: 'application/zip',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  xml: 'application/xml',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

/** Telegram sets a document's mime_type from its file name, as the uploader's content-type is usually generic. */
export function mimeFromName(fileName: string | undefined): string | undefined {
  if (!fileName) return undefined;
  return EXT_MIME[extname(fileName).slice(1).toLowerCase()];
}

export function documentOf(f: StoredFile): Document {
  const doc: Document = { file_id: f.fileId, file_unique_id: f.uniqueId, file_size: f.size };
  doc.file_name = f.fileName ?? `document.${extname(f.path ?? '').slice(1) || 'bin'}`;
  doc.mime_type = f.mimeType ?? mimeFromName(doc.file_name) ?? 'application/octet-stream';
  return doc;
}

export interface VideoMeta {
  duration?: number;
  width?: number;
  height?: number;
}

export function videoOf(f: StoredFile, meta: VideoMeta = {}): Video {
  const video: Video = {
    file_id: f.fileId,
    file_unique_id: f.uniqueId,
    width: meta.width ?? 1280,
    height: meta.height ?? 720,
    duration: meta.duration ?? 1,
    file_size: f.size,
  };
  video.file_name = f.fileName ?? 'video.mp4';
  video.mime_type = f.mimeType ?? mimeFromName(video.file_name) ?? 'video/mp4';
  return video;
}

/** Two sizes, the largest last, as Telegram lists them; the small one is stored as its own file (same bytes). */
export function photoSizes(files: FileStore, file: FakeFile): PhotoSize[] {
  const small = files.add('photos', file, 'thumb');
  const large = files.add('photos', file);
  return [
    { file_id: small.fileId, file_unique_id: small.uniqueId, width: 320, height: 240, file_size: small.size },
    { file_id: large.fileId, file_unique_id: large.uniqueId, width: 1280, height: 960, file_size: large.size },
  ];
}
