// Cloud Bot API mode: files up to 20 MB over HTTPS. The checked replacement for @grammyjs/files' download(),
// which writes an error body into the file and reports success. The URL holds the bot token: it appears in no
// error and no log line, and no error from the HTTP client (whose text might quote it) is attached.
import { createHash } from 'node:crypto';
import { StoreFileError, ioError } from './errors.ts';
import type { PartFile, StoredFile } from './part.ts';
import { PROGRESS_EVERY, abortedError, checkName, commitPart, discardPart, ensureRoom, openPart } from './part.ts';
import { formatSizeSetting } from '../../../core/format.ts';

/** Chunks from the network are gathered into writes of about this size. */
const WRITE_SIZE = 1024 ** 2;
const DEFAULT_TIMEOUT_MS = 5 * 60_000;

export interface DownloadOptions {
  /** The Bot API file URL (it contains the bot token). */
  url: string;
  toDir: string;
  name: string;
  maxBytes: number;
  /** The setting maxBytes comes from, named in the 'too_big' message. Default 'intake.max_bytes'. */
  limitName?: string;
  /** The size Telegram announced (file_size); a body of another length is an error. */
  expectedSize?: number;
  signal: AbortSignal;
  /** The whole download, headers and body; default 5 minutes. */
  timeoutMs?: number;
  /** Called at most every 64 MB with the bytes received so far and the expected total (null when unknown). */
  onProgress?: (bytes: number, total: number | null) => void;
  /** Folder for the `.part` file while it is written (under paths.data); default next to the final name. */
  partDir?: string;
  /** When set, refuse ('no_room') a download that would leave less free space than this in toDir. */
  criticalFreeBytes?: number;
}

const WHAT = 'the Bot API file download';

export async function downloadFile(options: DownloadOptions): Promise<StoredFile> {
  const { toDir, name, maxBytes, expectedSize, signal } = options;
  checkName(name);
  const limitName = options.limitName ?? 'intake.max_bytes';
  const tooBig = (bytes: number, prefix: string): StoreFileError =>
    new StoreFileError(
      'too_big',
      `${prefix} ${bytes} bytes, over ${limitName} (${formatSizeSetting(maxBytes)}): the sender must send a smaller file, or raise ${limitName}`,
    );
  if (signal.aborted) throw abortedError(signal, WHAT);
  if (expectedSize !== undefined && expectedSize > maxBytes) throw tooBig(expectedSize, 'Telegram says the file is');

  let total: number | null = expectedSize ?? null;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const both = AbortSignal.any([signal, timeout]);
  // Which of the two fired decides the error; the HTTP client's own error is not used (see the top).
  const stopped = (bytes: number | null): StoreFileError => {
    if (signal.aborted) return abortedError(signal, WHAT);
    if (timeout.aborted) {
      return new StoreFileError(
        'http',
        `${WHAT} did not finish within ${Math.round(timeoutMs / 1000)} s${bytes === null ? '' : ` (${bytes} bytes received)`}: it will be tried again`,
      );
    }
    return bytes === null
      ? new StoreFileError(
          'http',
          `${WHAT} could not reach the Bot API server: check the network and telegram.api_root`,
        )
      : new StoreFileError(
          'truncated',
          `${WHAT} broke off after ${bytes}${total === null ? '' : ` of ${total}`} bytes: it will be tried again`,
        );
  };

  let response: Response;
  try {
    response = await fetch(options.url, {
      signal: both,
      headers: { 'accept-encoding': 'identity' },
      redirect: 'follow',
    });
  } catch {
    throw stopped(null);
  }
  const body = response.body;
  const cancel = (): Promise<void> => (body ? body.cancel().catch(() => {}) : Promise.resolve());

  if (response.status !== 200) {
    await cancel();
    throw new StoreFileError('http', `${WHAT} answered ${response.status}${statusHint(response.status)}`, {
      status: response.status,
    });
  }
  const lengthHeader = response.headers.get('content-length');
  const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
  const contentLength = lengthHeader !== null && /^\d+$/.test(lengthHeader) && !encoded ? Number(lengthHeader) : null;
  if (contentLength !== null) {
    if (contentLength > maxBytes) {
      await cancel();
      throw tooBig(contentLength, 'the download is');
    }
    if (expectedSize !== undefined && contentLength !== expectedSize) {
      await cancel();
      throw new StoreFileError(
        'truncated',
        `${WHAT} announced ${contentLength} bytes, but Telegram said the file has ${expectedSize}: it will be tried again`,
      );
    }
    total = contentLength;
  }
  if (!body)
    throw new StoreFileError('http', `${WHAT} answered 200 without a body: it will be tried again`, { status: 200 });

  try {
    await ensureRoom(toDir, total ?? 0, options.criticalFreeBytes);
  } catch (err) {
    await cancel();
    throw err;
  }

  let part: PartFile;
  try {
    part = await openPart(toDir, name, options.partDir);
  } catch (err) {
    await cancel();
    throw err;
  }
  const reader = body.getReader();
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let position = 0;
    let nextProgress = PROGRESS_EVERY;
    const flush = async (): Promise<void> => {
      if (pendingBytes === 0) return;
      const data = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      let done = 0;
      try {
        while (done < data.length) {
          const { bytesWritten } = await part.fh.write(data, done, data.length - done, position + done);
          done += bytesWritten;
        }
      } catch (err) {
        throw ioError(`writing ${part.partPath}`, err);
      }
      position += data.length;
    };
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch {
        throw stopped(bytes);
      }
      if (chunk.done) break;
      if (both.aborted) throw stopped(bytes);
      const data = Buffer.from(chunk.value.buffer, chunk.value.byteOffset, chunk.value.byteLength);
      bytes += data.length;
      if (bytes > maxBytes) throw tooBig(bytes, 'the download is at least');
      if (total !== null && bytes > total) {
        throw new StoreFileError(
          'truncated',
          `${WHAT} sent more than the ${total} bytes it announced: it will be tried again`,
        );
      }
      hash.update(data);
      pending.push(data);
      pendingBytes += data.length;
      if (pendingBytes >= WRITE_SIZE) await flush();
      if (options.onProgress && bytes >= nextProgress) {
        nextProgress = bytes + PROGRESS_EVERY;
        options.onProgress(bytes, total);
      }
    }
    await flush();
    if (total !== null && bytes !== total) {
      throw new StoreFileError('truncated', `${WHAT} ended after ${bytes} of ${total} bytes: it will be tried again`);
    }
    await commitPart(part);
  } catch (err) {
    await reader.cancel().catch(() => {});
    await discardPart(part);
    throw err;
  }
  return { path: part.finalPath, sha256: hash.digest('hex'), size: bytes };
}

function statusHint(status: number): string {
  if (status === 401 || status === 403) return ': the bot token was refused; check TELEGRAM_BOT_TOKEN';
  if (status === 404) return ': the file is not there (expired, or the path is stale); ask getFile again';
  if (status === 429 || status >= 500) return ': the server is busy or failing; it will be tried again';
  return '';
}
