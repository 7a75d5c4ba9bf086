// Files the fake knows: injected by tests or uploaded by the bot. getFile answers as the cloud Bot API
// (relative file_path, served over HTTP, 20 MB limit) or as a local server started with --local (absolute path of a
// real file under <filesDir>/<token>/<kind>/, no size limit).
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { link, mkdir, readFile, writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, resolve } from 'node:path';
import type { File } from '@grammyjs/types';
import { badRequest } from './errors.ts';
import type { FakeFile } from './types.ts';

export type FileKind = 'videos' | 'documents' | 'photos';

export interface StoredFile {
  fileId: string;
  uniqueId: string;
  kind: FileKind;
  size: number;
  /** Exactly one of bytes and path holds the content. */
  bytes?: Buffer;
  path?: string;
  fileName?: string;
  mimeType?: string;
  /** Assigned by the first getFile of each mode. */
  cloudPath?: string;
  localPath?: string;
}

/** The cloud Bot API lets bots download files of up to 20 MB. */
export const CLOUD_DOWNLOAD_LIMIT = 20 * 1024 * 1024;

const ID_PREFIX: Record<FileKind, string> = {
  videos: 'BAACAgIAAxkBAAI',
  documents: 'BQACAgIAAxkBAAI',
  photos: 'AgACAgIAAxkBAAI',
};
const DEFAULT_EXT: Record<FileKind, string> = { videos: 'mp4', documents: 'bin', photos: 'jpg' };
const MIME_EXT: Record<string, string> = {
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/webm': 'webm',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
  'application/zip': 'zip',
  'text/plain': 'txt',
  'text/csv': 'csv',
  'application/json': 'json',
};

const base64url = (b: Buffer): string => b.toString('base64url');

export class FileStore {
  readonly token: string;
  private readonly files = new Map<string, StoredFile>();
  private readonly byCloudPath = new Map<string, StoredFile>();
  private readonly seq = new Map<string, number>();
  private idSeq = 0;
  filesDir: string;

  constructor(token: string, filesDir: string) {
    this.token = token;
    this.filesDir = filesDir;
  }

  /** Registers a file. `variant` keeps photo sizes made from the same bytes apart in file_unique_id. */
  add(kind: FileKind, file: FakeFile, variant = ''): StoredFile {
    let size: number;
    let uniqueSource: string;
    const stored: Partial<StoredFile> = { kind };
    if (file.bytes) {
      stored.bytes = file.bytes;
      size = file.bytes.length;
      uniqueSource = createHash('sha1').update(file.bytes).digest('hex');
    } else if (file.path) {
      const path = resolve(file.path);
      size = statSync(path).size;
      stored.path = path;
      uniqueSource = `${path}:${size}`;
    } else throw new Error('FakeFile needs bytes or path');
    const hash = createHash('sha1').update(`${kind}:${variant}:${uniqueSource}`).digest();
    const idBody = Buffer.concat([
      Buffer.from([0, 0, 0, ++this.idSeq & 0xff, (this.idSeq >> 8) & 0xff]),
      randomBytes(30),
      hash.subarray(0, 8),
    ]);
    const result: StoredFile = {
      ...stored,
      kind,
      size,
      fileId: ID_PREFIX[kind] + base64url(idBody),
      uniqueId: 'AgAD' + base64url(hash.subarray(0, 9)),
    };
    if (file.fileName !== undefined) result.fileName = file.fileName;
    if (file.mimeType !== undefined) result.mimeType = file.mimeType;
    this.files.set(result.fileId, result);
    return result;
  }

  get(fileId: string): StoredFile | undefined {
    return this.files.get(fileId);
  }

  async bytes(fileId: string): Promise<Buffer> {
    const f = this.files.get(fileId);
    if (!f) throw new Error(`no file ${fileId}`);
    return f.bytes ?? readFile(f.path ?? '');
  }

  bytesSync(fileId: string): Buffer {
    const f = this.files.get(fileId);
    if (!f) throw new Error(`no file ${fileId}`);
    if (f.bytes) return f.bytes;
    // A synchronous read for tests; the fake never calls it on its own request path.
    return readFileSync(f.path ?? '');
  }

  private ext(f: StoredFile): string {
    const fromName = f.fileName ? extname(f.fileName).slice(1) : '';
    if (/^[\w]{1,10}$/.test(fromName)) return fromName.toLowerCase();
    return (f.mimeType && MIME_EXT[f.mimeType.toLowerCase()]) || DEFAULT_EXT[f.kind];
  }

  private next(key: string): number {
    const n = this.seq.get(key) ?? 0;
    this.seq.set(key, n + 1);
    return n;
  }

  async getFile(fileId: string | undefined, mode: 'cloud' | 'local'): Promise<File> {
    if (!fileId) throw badRequest('file_id not specified');
    const f = this.files.get(fileId);
    if (!f) throw badRequest('invalid file_id');
    const base: File = { file_id: f.fileId, file_unique_id: f.uniqueId, file_size: f.size };
    if (mode === 'cloud') {
      if (f.size > CLOUD_DOWNLOAD_LIMIT) throw badRequest('file is too big');
      if (!f.cloudPath) {
        f.cloudPath = `${f.kind}/file_${this.next(`cloud:${f.kind}`)}.${this.ext(f)}`;
        this.byCloudPath.set(f.cloudPath, f);
      }
      return { ...base, file_path: f.cloudPath };
    }
    if (!f.localPath) f.localPath = await this.materialize(f);
    return { ...base, file_path: f.localPath };
  }

  /** Puts the file under <filesDir>/<token>/<kind>/ as the local server does; a big file is hard-linked, or used in place. */
  private async materialize(f: StoredFile): Promise<string> {
    const dir = join(this.filesDir, this.token, f.kind);
    await mkdir(dir, { recursive: true });
    const dest = join(dir, `file_${this.next(`local:${f.kind}`)}.${this.ext(f)}`);
    if (f.bytes) {
      await writeFile(dest, f.bytes);
      return dest;
    }
    const source = f.path ?? '';
    try {
      await link(source, dest);
      return dest;
    } catch {
      // Another file system (EXDEV) or no permission: the given file is the one served.
      return source;
    }
  }

  /** GET /file/bot<token>/<file_path> in cloud mode. */
  serve(filePath: string, res: ServerResponse, head: boolean): void {
    const f = this.byCloudPath.get(filePath);
    if (!f) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error_code: 404, description: 'Not Found' }));
      return;
    }
    res.writeHead(200, { 'content-type': f.mimeType ?? 'application/octet-stream', 'content-length': String(f.size) });
    if (head) res.end();
    else if (f.bytes) res.end(f.bytes);
    else {
      const stream = createReadStream(f.path ?? '');
      stream.on('error', () => res.destroy());
      stream.pipe(res);
    }
  }
}
