// The `intake.download` job: brings a recorded file into our storage (a creator's media folder or the incoming
// invoices folder), hashed while copied, deduplicated by bytes per sender, then hands it to its pipeline.
import { rm } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Config } from '../../core/config.ts';
import { PermanentError, RetryAfter, defineQueue } from '../../core/queue/index.ts';
import type { HandlerContext, Queue } from '../../core/queue/index.ts';
import type { Store } from '../../core/store/index.ts';
import { quarantineFile } from '../../core/quarantine.ts';
import { formatBytes, formatSizeSetting } from '../../core/format.ts';
import { incomingDir, incomingFileName } from './incoming.ts';
import { pauseIntake, intakePaused } from './pause.ts';
import { notAVideo } from './video-bytes.ts';
import { fileJobPayload } from './file-job.ts';
import type { FileJobPayload } from './file-job.ts';
import { handToPipeline } from './followers.ts';
import type { Followers } from './followers.ts';
import type { FileLocator, Notifier } from './ports.ts';
import type { FileRow, IntakeRecords } from './records.ts';
import { StoreFileError, checkRoom, copyLocalFile, downloadFile, mediaName } from './store-file/index.ts';

/** One download per file at a time. */
export const DOWNLOAD_QUEUE = defineQueue({
  name: 'intake.download',
  payload: fileJobPayload,
  key: (p) => `download:${p.fileId}`,
});

export interface DownloadDeps {
  config: Config;
  store: Store;
  queue: Queue;
  records: IntakeRecords;
  followers: Followers;
  locator: FileLocator;
  notifier: Notifier;
}

export function downloadHandler(d: DownloadDeps) {
  return async ({ job, signal, heartbeat, leaseMs, log }: HandlerContext<FileJobPayload>): Promise<void> => {
    const file = await d.records.file(job.payload.fileId);
    if (!file) throw new PermanentError(`file record ${job.payload.fileId} does not exist`);
    if (file.state !== 'received') return; // done by an earlier attempt
    const paused = await intakePaused(d.store);
    if (paused) throw new RetryAfter(30, `intake paused: ${paused.reason}`);

    const dir = destination(d.config, file);
    const size = file.size ?? 0;
    const critical = d.config.disk.critical_free;
    const room = await checkRoom(dir, size, critical);
    if (!room.ok) {
      await onDiskFull(d, file, dir, room.free);
      throw new RetryAfter(60, `not enough free disk for ${file.file_name ?? 'the file'}`);
    }

    // getFile on a local Bot API server can take minutes for a big file, and so can the copy: keep the lease.
    const keepAlive = setInterval(() => void heartbeat().catch(() => {}), Math.max(500, leaseMs / 3));
    try {
      const plan = await d.locator.locate(file, signal);
      const name =
        file.purpose === 'video'
          ? mediaName(new Date(), extensionOf(file))
          : incomingFileName(file.file_name ?? `file.${extensionOf(file)}`, String(file.id));
      const limitKind = file.purpose === 'video' ? 'video' : file.kind;
      const maxBytes = d.config.intake.max_bytes[limitKind];
      const limitName = `intake.max_bytes.${limitKind}`;
      const stored =
        plan.kind === 'local'
          ? await copyLocalFile({
              from: plan.path,
              toDir: dir,
              name,
              maxBytes,
              limitName,
              signal,
              deleteSource: d.config.telegram.delete_after_copy,
              partDir: partsDir(d.config),
            })
          : await downloadFile({
              url: plan.url,
              toDir: dir,
              name,
              maxBytes,
              limitName,
              expectedSize: file.size ?? undefined,
              signal,
              partDir: partsDir(d.config),
            });

      if (file.purpose === 'video') {
        const why = await notAVideo(stored.path);
        if (why) {
          await refuseVideo(d, file, stored.path, why, log);
          return;
        }
      }
      const earlier = await d.records.sameBytes(stored.sha256, file.sender_id, file.id);
      if (earlier) {
        await rm(stored.path, { force: true });
        await d.records.updateFile(file.id, {
          state: 'duplicate',
          duplicate_of: earlier.id,
          sha256: stored.sha256,
          size: stored.size,
        });
        log.info({ file_id: file.id, duplicate_of: earlier.id }, 'same bytes received before from this sender');
        if (file.chat_id !== null) {
          const date = new Date(earlier.created_at).toISOString().slice(0, 10);
          await d.notifier.send(
            file.chat_id,
            await langOf(d, file),
            'already-received',
            { date },
            `duplicate:file:${file.id}`,
          );
        }
        return;
      }
      await d.records.updateFile(file.id, {
        state: 'stored',
        path: stored.path,
        sha256: stored.sha256,
        size: stored.size,
        error: null,
      });
      log.info({ file_id: file.id, path: stored.path, bytes: stored.size }, 'file stored');
      await handToPipeline(d.queue, d.followers, file);
    } catch (err: unknown) {
      const permanent =
        err instanceof PermanentError ||
        (err instanceof StoreFileError && (err.code === 'too_big' || isPermanentHttp(err.status)));
      if (permanent || job.attempts >= job.maxAttempts) {
        // The batch must finish: the file is failed with the reason, and `centinela jobs retry` can try again.
        await d.records.updateFile(file.id, { state: 'failed', error: (err as Error).message });
        if (permanent && !(err instanceof PermanentError))
          throw new PermanentError((err as Error).message, { cause: err });
      }
      throw err;
    } finally {
      clearInterval(keepAlive);
    }
  };
}

/** A 4xx answer will not change by asking again, except 408 (timeout) and 429 (rate limit). */
function isPermanentHttp(status: number | undefined): boolean {
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/** Where downloads are written before they are complete: never the creators' folders. */
export function partsDir(config: Config): string {
  return join(config.paths.data, 'parts');
}

function destination(config: Config, file: FileRow): string {
  if (file.purpose === 'video') return join(config.paths.media, file.folder ?? 'unknown');
  return incomingDir(config.paths.data, file.created_at);
}

/** A "video" whose bytes are something else: out of the creator's folder into quarantine, and they are told. */
async function refuseVideo(
  d: DownloadDeps,
  file: FileRow,
  path: string,
  why: string,
  log: HandlerContext<FileJobPayload>['log'],
): Promise<void> {
  const kept = await quarantineFile(d.config.paths.data, path, new Date(), {
    fileId: file.id,
    fileName: file.file_name,
    sender: file.sender_name,
    error: why,
    by: 'intake',
  });
  await d.records.updateFile(file.id, { state: 'rejected', path: null, error: `not a video: ${why}` });
  log.warn(
    { file_id: file.id, file_name: file.file_name, quarantined: kept, reason: why },
    'a file sent as a video is not one: refused',
  );
  if (file.chat_id !== null)
    await d.notifier.send(file.chat_id, await langOf(d, file), 'not-a-video', {}, `not-video:file:${file.id}`);
}

async function onDiskFull(d: DownloadDeps, file: FileRow, dir: string, free: number): Promise<void> {
  const first = await pauseIntake(d.store, `disk almost full at ${dir}`);
  if (!first) return;
  await d.notifier.alertAdmins(
    'admin-disk-full',
    { dir, free: formatBytes(free), critical: formatSizeSetting(d.config.disk.critical_free) },
    `disk-full:${new Date().toISOString().slice(0, 13)}`,
  );
  if (file.chat_id !== null)
    await d.notifier.send(file.chat_id, await langOf(d, file), 'paused-later', {}, `paused:file:${file.id}`);
}

async function langOf(d: DownloadDeps, file: FileRow): Promise<string> {
  if (!file.batch_id) return 'es';
  return (await d.records.batch(file.batch_id))?.language ?? 'es';
}

const MIME_EXT: Record<string, string> = {
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/x-matroska': 'mkv',
  'video/webm': 'webm',
  'application/pdf': 'pdf',
  'application/xml': 'xml',
  'text/xml': 'xml',
  'text/csv': 'csv',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
};

export function extensionOf(file: Pick<FileRow, 'file_name' | 'mime_type' | 'kind'>): string {
  const fromName = extname(file.file_name ?? '')
    .slice(1)
    .toLowerCase();
  if (/^[a-z0-9]{1,8}$/.test(fromName)) return fromName;
  return MIME_EXT[file.mime_type ?? ''] ?? (file.kind === 'photo' ? 'jpg' : file.kind === 'video' ? 'mp4' : 'bin');
}
