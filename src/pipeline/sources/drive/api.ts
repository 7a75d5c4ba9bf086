// The Drive v3 calls a sync makes, through @googleapis/drive (loaded at first use): paced at
// drive.requests_per_second, retried after 429, 5xx and rate-limit 403 with exponential backoff and jitter (the
// client's own retries are off, so every attempt is counted), and counted for the run's metrics.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { drive_v3 } from '@googleapis/drive';
import type { Logger } from '../../../core/log.ts';
import { DriveCallError, DriveCritical, retryable } from './errors.ts';
import type { TokenSource } from './auth.ts';

export const FOLDER_MIME = 'application/vnd.google-apps.folder';
export const FILE_FIELDS =
  'id,name,mimeType,parents,trashed,md5Checksum,sha256Checksum,size,modifiedTime,driveId,version';

export interface DriveFile {
  id: string;
  name: string;
  mimeType: string;
  parents: string[];
  trashed: boolean;
  md5Checksum: string | null;
  sha256Checksum: string | null;
  size: number | null;
  modifiedTime: string;
  driveId: string | null;
  version: string | null;
}

export interface DriveChange {
  fileId: string;
  removed: boolean;
  time: string;
  file: DriveFile | null;
}

export interface ApiOptions {
  rootUrl: string;
  tokens: TokenSource;
  requestsPerSecond: number;
  retryMax: number;
  retryBaseMs: number;
  log: Logger;
  signal?: AbortSignal;
}

export interface Downloaded {
  size: number;
  md5: string;
  sha256: string;
}

type Client = drive_v3.Drive;

export class DriveApi {
  /** Every request sent (retries included), and list pages read. */
  calls = 0;
  pages = 0;
  readonly #o: ApiOptions;
  #client: Client | null = null;
  #nextSlot = 0;

  constructor(o: ApiOptions) {
    this.#o = o;
  }

  async #drive(): Promise<Client> {
    if (!this.#client) {
      const { drive } = await import('@googleapis/drive'); // only a process that syncs pays for it
      this.#client = drive({ version: 'v3', ...(this.#o.rootUrl ? { rootUrl: this.#o.rootUrl } : {}) });
    }
    return this.#client;
  }

  async getFile(id: string): Promise<DriveFile> {
    const res = await this.#call(`files.get ${id}`, async (d, opts) =>
      d.files.get({ fileId: id, fields: FILE_FIELDS, supportsAllDrives: true }, opts),
    );
    return toFile(res.data);
  }

  /** One page of what is directly in a folder (not in the trash), optionally only what changed after `since`. */
  async listChildren(
    folderId: string,
    pageToken: string | null,
    pageSize: number,
    o: { modifiedAfter?: string; foldersOnly?: boolean; filesOnly?: boolean } = {},
  ): Promise<{ files: DriveFile[]; nextPageToken: string | null }> {
    const q = [`'${folderId.replace(/'/g, "\\'")}' in parents`, 'trashed = false'];
    if (o.foldersOnly) q.push(`mimeType = '${FOLDER_MIME}'`);
    if (o.filesOnly) q.push(`mimeType != '${FOLDER_MIME}'`);
    if (o.modifiedAfter) q.push(`modifiedTime > '${o.modifiedAfter}'`);
    const res = await this.#call(`files.list in ${folderId}`, async (d, opts) =>
      d.files.list(
        {
          q: q.join(' and '),
          pageSize,
          ...(pageToken ? { pageToken } : {}),
          orderBy: o.modifiedAfter ? 'modifiedTime' : 'folder,name',
          fields: `nextPageToken,files(${FILE_FIELDS})`,
          supportsAllDrives: true,
          includeItemsFromAllDrives: true,
        },
        opts,
      ),
    );
    this.pages++;
    return { files: (res.data.files ?? []).map(toFile), nextPageToken: res.data.nextPageToken ?? null };
  }

  async startPageToken(driveId: string | null): Promise<string> {
    const res = await this.#call('changes.getStartPageToken', async (d, opts) =>
      d.changes.getStartPageToken({ supportsAllDrives: true, ...(driveId ? { driveId } : {}) }, opts),
    );
    const token = res.data.startPageToken;
    if (!token) throw new DriveCallError(500, 'noToken', 'changes.getStartPageToken answered no startPageToken');
    return token;
  }

  async changes(
    pageToken: string,
    driveId: string | null,
    pageSize: number,
  ): Promise<{ changes: DriveChange[]; nextPageToken: string | null; newStartPageToken: string | null }> {
    const res = await this.#call('changes.list', async (d, opts) =>
      d.changes.list(
        {
          pageToken,
          pageSize,
          includeRemoved: true,
          supportsAllDrives: true,
          includeItemsFromAllDrives: true,
          ...(driveId ? { driveId } : {}),
          fields: `nextPageToken,newStartPageToken,changes(fileId,removed,time,file(${FILE_FIELDS}))`,
        },
        opts,
      ),
    );
    this.pages++;
    return {
      changes: (res.data.changes ?? []).map((c) => ({
        fileId: c.fileId ?? c.file?.id ?? '',
        removed: c.removed ?? false,
        time: c.time ?? '',
        file: c.file ? toFile(c.file) : null,
      })),
      nextPageToken: res.data.nextPageToken ?? null,
      newStartPageToken: res.data.newStartPageToken ?? null,
    };
  }

  /**
   * Downloads a binary file (or a Google document exported as PDF) to `path`, hashing as it goes; a body cut short
   * or whose checksum is not Drive's is fetched again, up to drive.retry_max times.
   */
  async download(file: DriveFile, path: string, exportPdf: boolean): Promise<Downloaded> {
    for (let attempt = 0; ; attempt++) {
      try {
        const got = await this.#fetchTo(file, path, exportPdf);
        const expected = file.md5Checksum ?? null;
        if (expected && got.md5 !== expected)
          throw Object.assign(new Error(`checksum mismatch: md5 ${got.md5}, Drive says ${expected}`), {
            retry: true,
          });
        if (!expected && file.sha256Checksum && got.sha256 !== file.sha256Checksum)
          throw Object.assign(new Error(`checksum mismatch: sha256 ${got.sha256}, Drive says ${file.sha256Checksum}`), {
            retry: true,
          });
        if (file.size !== null && !exportPdf && got.size !== file.size)
          throw Object.assign(new Error(`got ${got.size} bytes of ${file.size}`), { retry: true });
        return got;
      } catch (err) {
        await rm(path, { force: true });
        const again = (err as { retry?: boolean }).retry === true || isNetworkError(err);
        if (!again || attempt >= this.#o.retryMax) throw asCallError(err);
        this.#o.log.warn(
          { file_id: file.id, attempt: attempt + 1, error: (err as Error).message },
          'drive: download failed; trying again',
        );
        await this.#backoff(attempt);
      }
    }
  }

  async #fetchTo(file: DriveFile, path: string, exportPdf: boolean): Promise<Downloaded> {
    const res = await this.#call(`download ${file.id}`, async (d, opts) => {
      const o = { ...opts, responseType: 'stream' as const };
      return exportPdf
        ? d.files.export({ fileId: file.id, mimeType: 'application/pdf' }, o)
        : d.files.get({ fileId: file.id, alt: 'media', supportsAllDrives: true }, o);
    });
    const md5 = createHash('md5');
    const sha256 = createHash('sha256');
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        md5.update(chunk);
        sha256.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(res.data as unknown as Readable, tap, createWriteStream(path, { flush: true }));
    } catch (err) {
      throw Object.assign(new Error(`the download was cut off after ${size} bytes: ${(err as Error).message}`), {
        retry: true,
      });
    }
    return { size, md5: md5.digest('hex'), sha256: sha256.digest('hex') };
  }

  /** One call with pacing, counting and retries; a 401 fetches a new token once. */
  async #call<T>(what: string, fn: (d: Client, opts: Record<string, unknown>) => Promise<T>): Promise<T> {
    const d = await this.#drive();
    let reauthorised = false;
    for (let attempt = 0; ; attempt++) {
      await this.#pace();
      const token = await this.#o.tokens.token(this.#o.signal);
      this.calls++;
      try {
        return await fn(d, { headers: { Authorization: `Bearer ${token}` }, retry: false, signal: this.#o.signal });
      } catch (err) {
        const { status, reason, message } = await describe(err);
        if (status === 401 && !reauthorised) {
          reauthorised = true;
          this.#o.tokens.invalidate();
          continue;
        }
        if (status === 401)
          throw new DriveCritical(
            `Drive refused the access token (401 ${reason}): check GOOGLE_APPLICATION_CREDENTIALS and that the Drive API is enabled for the key's project`,
          );
        if (!retryable(status, reason) || attempt >= this.#o.retryMax || this.#o.signal?.aborted)
          throw new DriveCallError(status ?? 0, reason, `${what}: ${message}`);
        this.#o.log.warn({ call: what, status, reason, attempt: attempt + 1 }, 'drive: call failed; trying again');
        await this.#backoff(attempt);
      }
    }
  }

  async #pace(): Promise<void> {
    const rps = this.#o.requestsPerSecond;
    if (rps <= 0) return;
    const now = Date.now();
    const slot = Math.max(now, this.#nextSlot);
    this.#nextSlot = slot + 1000 / rps;
    if (slot > now) await sleep(slot - now, this.#o.signal);
  }

  async #backoff(attempt: number): Promise<void> {
    const base = this.#o.retryBaseMs * 2 ** attempt;
    await sleep(base / 2 + Math.random() * base, this.#o.signal); // full jitter around the doubling base
  }
}

function toFile(f: drive_v3.Schema$File): DriveFile {
  return {
    id: f.id ?? '',
    name: f.name ?? '',
    mimeType: f.mimeType ?? '',
    parents: f.parents ?? [],
    trashed: f.trashed ?? false,
    md5Checksum: f.md5Checksum ?? null,
    sha256Checksum: f.sha256Checksum ?? null,
    size: f.size != null ? Number(f.size) : null,
    modifiedTime: f.modifiedTime ?? '',
    driveId: f.driveId ?? null,
    version: f.version ?? null,
  };
}

function isNetworkError(err: unknown): boolean {
  const e = err as { status?: number; response?: unknown; code?: unknown };
  return e.response === undefined && e.status === undefined && typeof e.code === 'string';
}

function asCallError(err: unknown): Error {
  if (err instanceof DriveCallError || err instanceof DriveCritical) return err;
  return new DriveCallError(0, 'downloadFailed', (err as Error).message);
}

/** Status, Drive's reason and message of a failed call (the error body may still be a stream for downloads). */
async function describe(err: unknown): Promise<{ status: number | null; reason: string; message: string }> {
  if (err instanceof DriveCritical) throw err;
  const e = err as {
    status?: number;
    response?: { status?: number; data?: unknown };
    message?: string;
    code?: unknown;
  };
  const status = e.response?.status ?? e.status ?? null;
  let data = e.response?.data;
  if (data && typeof (data as Readable).pipe === 'function') {
    let text = '';
    try {
      for await (const chunk of data as Readable) {
        text += String(chunk);
        if (text.length > 65_536) break;
      }
      data = JSON.parse(text) as unknown;
    } catch {
      data = null;
    }
  } else if (typeof data === 'string') {
    try {
      data = JSON.parse(data) as unknown;
    } catch {
      data = null;
    }
  }
  // For a streamed download gaxios puts Google's JSON error body in the message instead.
  if (!data && e.message?.startsWith('{')) {
    try {
      data = JSON.parse(e.message) as unknown;
    } catch {
      data = null;
    }
  }
  const body = data as { error?: { message?: string; errors?: Array<{ reason?: string }> } } | null | undefined;
  const reason = body?.error?.errors?.[0]?.reason ?? (status === null ? String(e.code ?? 'network') : 'unknown');
  const message = body?.error?.message ?? e.message ?? 'the call failed';
  return { status, reason, message: status === null ? message : `${status} ${reason}: ${message}` };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
}
