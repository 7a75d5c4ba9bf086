// The `.part` file both ways of storing write into: written in a parts folder under paths.data (never in a
// creator's folder, where a crash would leave it for them to see) when that is on the same file system as the
// destination, else next to its final name; renamed into place only once its bytes are on disk, removed on any
// failure. A crash leaves it behind: cleanOrphanParts removes those of processes that no longer run.
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { StoreFileError, ioError } from './errors.ts';
import { checkRoom } from './room.ts';
import { processAlive } from '../../../core/process-alive.ts';
import { formatSizeSetting } from '../../../core/format.ts';

/** Progress callbacks come no more often than this many bytes apart. */
export const PROGRESS_EVERY = 64 * 1024 ** 2;

export interface StoredFile {
  /** Where the file now is: `<toDir>/<name>`. */
  path: string;
  /** Lower-case hex SHA-256 of the bytes written. */
  sha256: string;
  size: number;
}

export interface PartFile {
  fh: FileHandle;
  partPath: string;
  finalPath: string;
}

/** `name` must be a plain file name: the caller decides the folder. */
export function checkName(name: string): void {
  if (name === '' || name === '.' || name === '..' || basename(name) !== name || name.includes('\0')) {
    throw new Error(`not a plain file name: ${JSON.stringify(name)}`);
  }
}

/** Throws 'no_room' when writing `bytes` into dir would leave less than the critical free space. */
export async function ensureRoom(dir: string, bytes: number, criticalFreeBytes: number | undefined): Promise<void> {
  if (criticalFreeBytes === undefined) return;
  let room;
  try {
    room = await checkRoom(dir, bytes, criticalFreeBytes);
  } catch (err) {
    throw ioError(`checking the free space of ${dir}`, err);
  }
  if (!room.ok) {
    throw new StoreFileError(
      'no_room',
      `${dir} has ${formatSizeSetting(room.free)} free; storing ${formatSizeSetting(bytes)} there would leave less than disk.critical_free (${formatSizeSetting(criticalFreeBytes)}): free space on that disk`,
    );
  }
}

export async function openPart(toDir: string, name: string, partDir?: string): Promise<PartFile> {
  const finalPath = join(toDir, name);
  try {
    await mkdir(toDir, { recursive: true });
    if (partDir) await mkdir(partDir, { recursive: true });
  } catch (err) {
    throw ioError(`creating the folder ${partDir ?? toDir}`, err);
  }
  // The pid names the owner: at start, parts of processes that are gone are orphans.
  const partPath =
    partDir && (await sameDevice(partDir, toDir)) ? join(partDir, `${process.pid}-${name}.part`) : `${finalPath}.part`;
  try {
    return { fh: await open(partPath, 'w', 0o644), partPath, finalPath };
  } catch (err) {
    throw ioError(`creating ${partPath}`, err);
  }
}

/** Flushes the file to disk, closes it, renames it to its final name and flushes the folder entry. */
export async function commitPart(part: PartFile): Promise<void> {
  try {
    await part.fh.sync();
  } catch (err) {
    throw ioError(`writing ${part.partPath} to disk`, err);
  }
  try {
    await part.fh.close();
  } catch (err) {
    throw ioError(`closing ${part.partPath}`, err);
  }
  try {
    await rename(part.partPath, part.finalPath);
  } catch (err) {
    throw ioError(`renaming ${part.partPath} to ${basename(part.finalPath)}`, err);
  }
  await syncDir(part.finalPath);
}

/** Closes (when still open) and removes the `.part` file; never throws. Call only when no write is in flight. */
export async function discardPart(part: PartFile): Promise<void> {
  await part.fh.close().catch(() => {});
  await rm(part.partPath, { force: true }).catch(() => {});
}

async function sameDevice(a: string, b: string): Promise<boolean> {
  try {
    return (await stat(a)).dev === (await stat(b)).dev;
  } catch {
    return false;
  }
}

/** Removes `.part` files in partDir left by processes that no longer run (a crash mid-download); returns how many. */
export async function cleanOrphanParts(partDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(partDir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(/^(\d+)-/.exec(name)?.[1] ?? 0);
    if (!name.endsWith('.part') || (pid > 0 && pid !== process.pid && processAlive(pid)) || pid === process.pid)
      continue;
    await rm(join(partDir, name), { force: true }).catch(() => {});
    removed.push(name);
  }
  return removed;
}

async function syncDir(path: string): Promise<void> {
  // The rename is durable only once the folder is flushed. Some file systems refuse fsync on folders: not fatal.
  const dir = await open(join(path, '..'), 'r').catch(() => null);
  if (!dir) return;
  await dir.sync().catch(() => {});
  await dir.close().catch(() => {});
}

/** The 'aborted' error for a signal, with its reason when it is a message. */
export function abortedError(signal: AbortSignal, what: string): StoreFileError {
  const reason: unknown = signal.reason;
  const why = reason instanceof Error && reason.name !== 'AbortError' ? `: ${reason.message}` : '';
  return new StoreFileError('aborted', `${what} was aborted${why}; nothing was kept`);
}
