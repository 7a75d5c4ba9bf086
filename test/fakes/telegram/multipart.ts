// A lenient, streaming multipart/form-data reader. File parts go straight to disk (uploads can be gigabytes);
// other parts become string fields. Lenient because grammY writes `content-disposition:form-data;name="x";filename=a b.pdf`
// (no spaces, an unquoted file name, sometimes no content-type), and other clients quote or order things differently.
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { badRequest } from './errors.ts';
import type { UploadedFile } from './types.ts';

export interface Multipart {
  fields: Record<string, string>;
  /** File parts by part name. */
  files: Map<string, UploadedFile>;
}

export function boundaryOf(contentType: string): string | undefined {
  const m = /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

interface PartHeaders {
  name: string;
  fileName?: string;
  contentType?: string;
}

/** Parameters of a content-disposition header; values quoted, unquoted, or RFC 5987 (`filename*=UTF-8''...`). */
export function parseDisposition(value: string): { name?: string; fileName?: string } {
  const out: { name?: string; fileName?: string } = {};
  const re = /(?:^|;)\s*([\w*-]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^;]*)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value)) !== null) {
    const key = (m[1] ?? '').toLowerCase();
    let v = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : (m[2] ?? '').trim();
    if (key === 'filename' && m[3] === undefined) {
      // An unquoted file name (grammY) runs to the end of the line: it may hold spaces and semicolons.
      v = value.slice(m.index + m[0].indexOf('=') + 1).trim();
    }
    if (key === 'name') out.name = v;
    else if (key === 'filename' && out.fileName === undefined) out.fileName = v;
    else if (key === 'filename*') {
      const star = /^[\w-]*'[\w-]*'(.*)$/.exec(v);
      try {
        out.fileName = decodeURIComponent(star ? (star[1] ?? '') : v);
      } catch {
        out.fileName = v;
      }
    }
    if (key === 'filename' && m[3] === undefined) break;
  }
  return out;
}

function parseHeaders(block: string): PartHeaders {
  let name: string | undefined;
  let fileName: string | undefined;
  let contentType: string | undefined;
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'content-disposition') {
      const d = parseDisposition(value.replace(/^form-data\s*/i, ''));
      name = d.name;
      fileName = d.fileName;
    } else if (key === 'content-type') contentType = value;
  }
  if (name === undefined) throw badRequest('invalid multipart/form-data: a part has no name');
  return { name, fileName, contentType };
}

let uploadSeq = 0;

/** Reads the whole request. `dir` receives one file per file part. */
export async function readMultipart(req: IncomingMessage, boundary: string, dir: string): Promise<Multipart> {
  const fields: Record<string, string> = {};
  const files = new Map<string, UploadedFile>();
  const delim = Buffer.from(`\r\n--${boundary}`);
  // The first delimiter has no CRLF before it; pretend it has.
  let buf: Buffer = Buffer.from('\r\n');
  let state: 'preamble' | 'after' | 'headers' | 'body' | 'done' = 'preamble';
  let part: PartHeaders | undefined;
  let fieldChunks: Buffer[] = [];
  let out: WriteStream | undefined;
  let upload: UploadedFile | undefined;

  const write = async (data: Buffer): Promise<void> => {
    if (data.length === 0) return;
    if (out && upload) {
      upload.size += data.length;
      if (!out.write(data)) await new Promise<void>((resolve) => out?.once('drain', resolve));
    } else fieldChunks.push(data);
  };
  const finishPart = async (): Promise<void> => {
    if (!part) return;
    if (out && upload) {
      const stream = out;
      await new Promise<void>((resolve, reject) => {
        stream.once('error', reject);
        stream.end(resolve);
      });
      files.set(part.name, upload);
    } else fields[part.name] = Buffer.concat(fieldChunks).toString('utf8');
    part = undefined;
    out = undefined;
    upload = undefined;
    fieldChunks = [];
  };

  const step = async (final: boolean): Promise<boolean> => {
    switch (state) {
      case 'preamble':
      case 'body': {
        const i = buf.indexOf(delim);
        if (i < 0) {
          const keep = final ? 0 : delim.length - 1;
          if (state === 'body' && buf.length > keep) await write(buf.subarray(0, buf.length - keep));
          buf = buf.subarray(Math.max(0, buf.length - keep));
          return false;
        }
        if (state === 'body') {
          await write(buf.subarray(0, i));
          await finishPart();
        }
        buf = buf.subarray(i + delim.length);
        state = 'after';
        return true;
      }
      case 'after': {
        if (buf.length < 2 && !final) return false;
        if (buf.subarray(0, 2).toString() === '--' || buf.length === 0) {
          state = 'done';
          return false;
        }
        const nl = buf.indexOf('\n');
        if (nl < 0) return false;
        buf = buf.subarray(nl + 1);
        state = 'headers';
        return true;
      }
      case 'headers': {
        let end = -1;
        let skip = 0;
        if (buf.subarray(0, 2).toString() === '\r\n') [end, skip] = [0, 2];
        else if (buf.subarray(0, 1).toString() === '\n') [end, skip] = [0, 1];
        else {
          const crlf = buf.indexOf('\r\n\r\n');
          const lf = buf.indexOf('\n\n');
          if (crlf >= 0 && (lf < 0 || crlf < lf)) [end, skip] = [crlf, 4];
          else if (lf >= 0) [end, skip] = [lf, 2];
        }
        if (end < 0) {
          if (buf.length > 64 * 1024) throw badRequest('invalid multipart/form-data: part headers too long');
          return false;
        }
        part = parseHeaders(buf.subarray(0, end).toString('utf8'));
        buf = buf.subarray(end + skip);
        if (part.fileName !== undefined) {
          const safe = part.fileName.replace(/[^\w.-]+/g, '_').slice(-80) || 'file';
          const path = join(dir, `upload-${process.pid}-${++uploadSeq}-${safe}`);
          out = createWriteStream(path);
          upload = { kind: 'upload', fileName: part.fileName, size: 0, path };
          if (part.contentType) upload.mimeType = part.contentType;
        }
        state = 'body';
        return true;
      }
      case 'done':
        return false;
    }
  };

  try {
    for await (const chunk of req) {
      const data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      buf = buf.length === 0 ? data : Buffer.concat([buf, data]);
      while (await step(false));
    }
    while (await step(true));
  } catch (err) {
    out?.destroy();
    throw err;
  }
  if ((state as string) !== 'done') {
    out?.destroy();
    throw badRequest('invalid multipart/form-data: the body ends before the closing boundary');
  }
  return { fields, files };
}
