// The inbox folder (invoices.inbox): files dropped there become invoices. chokidar says a file appeared or
// changed; a file is taken once its size and time have been stable for invoices.inbox_stable_seconds; a scan
// at start and every invoices.inbox_rescan_seconds catches what events missed. A file is never taken twice
// (its sha256 is checked against every file taken from the inbox), then moved to archive/ or left in place.
// What cannot be taken (another type, an empty file, a symbolic link out of the folder) is said once: moved to
// rejected/ (or, when files are kept, remembered until it changes), never refused again at every scan.
import { createHash } from 'node:crypto';
import { constants, createWriteStream } from 'node:fs';
import type { Stats } from 'node:fs';
import { lstat, mkdir, open, readdir, realpath, rename } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FSWatcher } from 'chokidar';
import type { Config } from '../../core/config.ts';
import type { Logger } from '../../core/log.ts';
import type { Queue } from '../../core/queue/index.ts';
import { incomingDir, incomingFileName, safeName } from '../intake/index.ts';
import { fitName } from './inbox-names.ts';
import { INVOICE_FILE_NAME, recordInvoiceFiles } from './record.ts';
import type { Followers, IntakeRecords } from '../intake/index.ts';

const ARCHIVE = 'archive';
/** Where files that cannot be taken go (inbox_after: move), so that they are refused once, not at every scan. */
const REJECTED = 'rejected';
const OURS = new Set([ARCHIVE, REJECTED]);

export interface InboxDeps {
  config: Config;
  intakeRecords: IntakeRecords;
  queue: Queue;
  /** The pipelines registered with the intake: the invoice one takes the inbox's files. */
  followers: Followers;
  log: Logger;
}

export class InboxSource {
  readonly #d: InboxDeps;
  #dir: string;
  readonly #stableMs: number;
  readonly #busy = new Set<string>();
  readonly #refused = new Refused();
  #real: string | null = null;
  #watcher: FSWatcher | null = null;
  #rescan: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(deps: InboxDeps, dir: string) {
    this.#d = deps;
    this.#dir = dir;
    this.#stableMs = deps.config.invoices.inbox_stable_seconds * 1000;
  }

  async start(): Promise<void> {
    await mkdir(this.#dir, { recursive: true });
    // The folder by its real path, for the watcher and the scans alike: links are not followed (below), and an
    // inbox that is itself a link (/srv/inbox → /mnt/share/inbox) must still be watched.
    this.#dir = await this.#realDir();
    const { watch } = await import('chokidar'); // only a service with an inbox pays for it
    this.#watcher = watch(this.#dir, {
      depth: 0,
      ignoreInitial: true, // the scan below takes what is already there
      ignored: (path) => basename(path).startsWith('.') || OURS.has(basename(path)),
      followSymlinks: false, // a link is judged by #take, never followed out of the inbox
      awaitWriteFinish: { stabilityThreshold: this.#stableMs, pollInterval: Math.min(500, this.#stableMs) },
    });
    this.#watcher.on('add', (path) => void this.#take(path));
    this.#watcher.on('change', (path) => void this.#take(path));
    this.#watcher.on('error', (err) =>
      this.#d.log.error({ err }, 'watching the inbox failed; the periodic scan goes on'),
    );
    await this.scan();
    this.#rescan = setInterval(() => void this.scan(), this.#d.config.invoices.inbox_rescan_seconds * 1000);
    this.#rescan.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#rescan) clearInterval(this.#rescan);
    await this.#watcher?.close();
  }

  /** Takes every stable file in the folder (at start, then now and then). */
  async scan(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.#dir);
    } catch (err) {
      this.#d.log.error({ err, dir: this.#dir }, 'cannot read the inbox folder');
      return;
    }
    for (const name of names) {
      if (name.startsWith('.') || OURS.has(name)) continue;
      const path = join(this.#dir, name);
      const st = await lstat(path).catch(() => null);
      // Still being written (changed within the stability window): a later scan or the watcher takes it.
      if ((st?.isFile() || st?.isSymbolicLink()) && Date.now() - st.mtimeMs >= this.#stableMs) await this.#take(path);
    }
  }

  async #take(path: string): Promise<void> {
    if (this.#stopped || this.#busy.has(path)) return;
    this.#busy.add(path);
    try {
      const name = basename(path);
      const entry = await lstat(path).catch(() => null);
      if (!entry || this.#refused.has(path, entry)) return;
      let source = path;
      if (entry.isSymbolicLink()) {
        // A link is taken only when it leads to a file inside the inbox: never a way to pull in any file we can read.
        const real = await realpath(path).catch(() => null);
        if (real === null || dirname(real) !== (await this.#realDir())) {
          const where = real === null ? 'nothing (a broken link)' : `${real}, outside the inbox`;
          return await this.#refuse(
            path,
            name,
            entry,
            `it is a symbolic link to ${where}: links are taken only when they point inside the inbox; copy the file in instead`,
          );
        }
        source = real;
      } else if (!entry.isFile()) return;
      if (!INVOICE_FILE_NAME.test(name)) {
        return await this.#refuse(
          path,
          name,
          entry,
          `not an invoice file type (${extname(name) || 'no extension'}): send PDF, XML, CSV or a JPEG/PNG/WebP photo`,
        );
      }
      // One open file for hashing and copying, not followed if it is a link: what is checked is what is read.
      const file = await open(source, constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        const st = await file.stat();
        if (!st.isFile()) return await this.#refuse(path, name, entry, 'it is not a regular file');
        if (st.size === 0)
          return await this.#refuse(
            path,
            name,
            entry,
            'the file is empty: write the whole file elsewhere, then move it into the inbox',
          );
        const sha256 = await hashFile(file);
        const seen = await this.#d.intakeRecords.fromSource('inbox', sha256);
        if (!seen) await this.#record(file, name, st.size, sha256);
        else this.#d.log.debug({ file: name, file_id: seen.id }, 'inbox: already taken');
      } finally {
        await file.close();
      }
      if (this.#d.config.invoices.inbox_after === 'move') {
        await this.#moveInto(ARCHIVE, path, name).catch((err: unknown) => {
          // Taken (it is never taken twice), but it stays: say so once, not at every scan.
          this.#refused.remember(path, entry);
          this.#d.log.error(
            { err, file: name },
            'inbox: file taken but it could not be moved to archive/; it is left where it is',
          );
        });
      }
    } catch (err) {
      this.#d.log.error({ err, file: basename(path) }, 'inbox: could not take the file; the next scan tries again');
    } finally {
      this.#busy.delete(path);
    }
  }

  /**
   * A file that cannot be taken, said once: moved to rejected/<day>/ (inbox_after: move), or left and remembered
   * until it changes (keep, or when it cannot be moved).
   */
  async #refuse(path: string, name: string, entry: Stats, reason: string): Promise<void> {
    if (this.#d.config.invoices.inbox_after === 'move') {
      const moved = await this.#moveInto(REJECTED, path, name).catch(() => null);
      if (moved) {
        this.#d.log.warn(
          { file: name, moved_to: moved, reason },
          `inbox: file not taken, moved to ${REJECTED}/: ${reason}`,
        );
        return;
      }
    }
    this.#refused.remember(path, entry);
    this.#d.log.warn({ file: name, reason }, `inbox: file not taken, left where it is: ${reason}`);
  }

  async #record(file: FileHandle, name: string, size: number, sha256: string): Promise<void> {
    // Our own copy, so that moving, editing or deleting the inbox file never touches what is processed.
    const dir = incomingDir(this.#d.config.paths.data);
    await mkdir(dir, { recursive: true });
    const target = join(dir, incomingFileName(name));
    await pipeline(file.createReadStream({ start: 0, autoClose: false }), createWriteStream(target));
    const { batch, files } = await recordInvoiceFiles(
      this.#d.intakeRecords,
      this.#d.queue,
      this.#d.followers,
      'inbox',
      {},
      [{ fileName: safeName(name), mimeType: null, size, path: target, sha256 }],
    );
    this.#d.log.info({ file: name, batch: batch.id, file_id: files[0]?.id }, 'inbox: file taken');
  }

  /** Moves an inbox entry (a link itself, not what it points to) into <inbox>/<folder>/<day>/; returns where. */
  async #moveInto(folder: string, path: string, name: string): Promise<string> {
    const dir = join(this.#dir, folder, new Date().toISOString().slice(0, 10));
    await mkdir(dir, { recursive: true });
    let target = join(dir, name);
    if (await lstat(target).catch(() => null)) target = join(dir, fitName(`${Date.now()}_`, name));
    await rename(path, target);
    return target;
  }

  async #realDir(): Promise<string> {
    return (this.#real ??= await realpath(this.#dir));
  }
}

/** Entries refused while left in place, each with what it was then: refused again only once it changes. */
class Refused {
  readonly #seen = new Map<string, string>();
  #key(st: Stats): string {
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  }
  remember(path: string, st: Stats): void {
    this.#seen.set(path, this.#key(st));
  }
  has(path: string, st: Stats): boolean {
    const key = this.#seen.get(path);
    if (key === undefined) return false;
    if (key === this.#key(st)) return true;
    this.#seen.delete(path); // changed since: judge it anew
    return false;
  }
}

async function hashFile(file: FileHandle): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of file.createReadStream({ start: 0, autoClose: false })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
