// Is a stored "video" one? Its name and Telegram's MIME type come from the sender; the first bytes decide (file-type's
// magic numbers, as for invoices): MP4 (and M4V), MOV, WebM and MKV are taken, anything else is refused with a reason.
import { open } from 'node:fs/promises';

const VIDEO_TYPES: Record<string, string> = {
  'video/mp4': 'MP4',
  'video/x-m4v': 'M4V',
  'video/quicktime': 'MOV',
  'video/webm': 'WebM',
  'video/x-matroska': 'MKV',
};
/** file-type reads at most this much to decide. */
const HEAD_BYTES = 4100;

/** Null when the file's bytes are a video we take; else why not, for the log and the admins. */
export async function notAVideo(path: string): Promise<string | null> {
  const fh = await open(path, 'r');
  let head: Buffer;
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  if (head.length === 0) return 'the file is empty';
  const { fileTypeFromBuffer } = await import('file-type'); // loaded with the first video, not at start
  const type = await fileTypeFromBuffer(head);
  if (type && VIDEO_TYPES[type.mime]) return null;
  return type
    ? `its bytes are ${type.ext.toUpperCase()} (${type.mime}), not a video: MP4, MOV, WebM or MKV are taken`
    : 'its bytes are not a known video format: MP4, MOV, WebM or MKV are taken';
}
