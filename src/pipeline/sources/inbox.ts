// The inbox folder (invoices.inbox): files dropped there become invoices. chokidar says a file appeared or
// changed; a file is taken once its size and time have been stable for invoices.inbox_stable_seconds; a scan
// at start and every invoices.inbox_rescan_seconds catches what events missed. A file is never taken twice
// (its sha256 is checked against every file taken from the inbox), then moved to archive/ or left in place.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, rename, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { FSWatcher } from 'chokidar';
import type { Config } from '../../core/config.ts';
import type { Logger } from '../../core/log.ts';
import type { Queue } from '../../core/queue/index.ts';
import { safeName } from '../intake/index.ts';
import { INVOICE_FILE_NAME, recordInvoiceFiles } from './record.ts';
import type { IntakeRecords } from '../intake/index.ts';

const ARCHIVE = 'archive';

export interface InboxDeps {
  config: Config;
  intake: IntakeRecords;
  queue: Queue;
  log: Logger;
}

export class InboxSource {
  readonly #d: InboxDeps;
  readonly #dir: string;
  readonly #stableMs: number;
  readonly #busy = new Set<string>();
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
    const { watch } = await import('chokidar'); // only a service with an inbox pays for it
    this.#watcher = watch(this.#dir, {
      depth: 0,
      ignoreInitial: true, // the scan below takes what is already there
      ignored: (path) => basename(path).startsWith('.') || basename(path) === ARCHIVE,
      awaitWriteFinish: { stabilityThreshold: this.#stableMs, pollInterval: Math.min(500, this.#stableMs) },
    });
    this.#watcher.on('add', (path) => void this.#take(path));
    this.#watcher.on('change', (path) => void this.#take(path));
    this.#watcher.on('error', (err) => this.#d.log.error({ err }, 'watching the inbox failed; the periodic scan goes on'));
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
      if (name.startsWith('.') || name === ARCHIVE) continue;
      const path = join(this.#dir, name);
      const st = await stat(path).catch(() => null);
      // Still being written (changed within the stability window): a later scan or the watcher takes it.
      if (st?.isFile() && Date.now() - st.mtimeMs >= this.#stableMs) await this.#take(path);
    }
  }

  async #take(path: string): Promise<void> {
    if (this.#stopped || this.#busy.has(path)) return;
    this.#busy.add(path);
    try {
      const name = basename(path);
      if (!INVOICE_FILE_NAME.test(name)) {
        this.#d.log.warn({ file: name }, `inbox: not an invoice file type (${extname(name) || 'no extension'}); left where it is`);
        return;
      }
      const st = await stat(path).catch(() => null);
      if (!st?.isFile() || st.size === 0) return;
      const sha256 = await hashFile(path);
      const seen = await this.#d.intake.db.selectFrom('files').select('id').where('sha256', '=', sha256).where('source', '=', 'inbox').executeTakeFirst();
      if (!seen) await this.#record(path, name, st.size, sha256);
      else this.#d.log.debug({ file: name, file_id: seen.id }, 'inbox: already taken');
      if (this.#d.config.invoices.inbox_after === 'move') await this.#archive(path, name);
    } catch (err) {
      this.#d.log.error({ err, file: basename(path) }, 'inbox: could not take the file; the next scan tries again');
    } finally {
      this.#busy.delete(path);
    }
  }

  async #record(path: string, name: string, size: number, sha256: string): Promise<void> {
    // Our own copy, so that moving, editing or deleting the inbox file never touches what is processed.
    const dir = join(this.#d.config.paths.data, 'incoming', new Date().toISOString().slice(0, 10));
    await mkdir(dir, { recursive: true });
    const target = join(dir, `${Date.now()}_${randomBytes(3).toString('hex')}_${safeName(name)}`);
    await copyFile(path, target);
    const { batch, files } = await recordInvoiceFiles(this.#d.intake, this.#d.queue, 'inbox', {}, [
      { fileName: safeName(name), mimeType: null, size, path: target, sha256 },
    ]);
    this.#d.log.info({ file: name, batch: batch.id, file_id: files[0]?.id }, 'inbox: file taken');
  }

  async #archive(path: string, name: string): Promise<void> {
    const dir = join(this.#dir, ARCHIVE, new Date().toISOString().slice(0, 10));
    await mkdir(dir, { recursive: true });
    let target = join(dir, name);
    if (await stat(target).catch(() => null)) target = join(dir, `${Date.now()}_${name}`);
    await rename(path, target);
  }
}

function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
