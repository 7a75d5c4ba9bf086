// One sync run: the lock, the credentials, then the mode's work within drive.max_pages_per_run pages, and the
// metrics. Mode `changes`: the start page token is saved before the first listing of the tree (nothing changed
// during the listing is lost), the listing goes on across runs until done, then each page of changes is taken
// and its token advanced in the transaction that records what it found. A reconcile (a listing of the whole tree)
// runs every drive.reconcile and counts what it had to take as missed.
import { hostname } from 'node:os';
import { rm } from 'node:fs/promises';
import type { Config } from '../../../core/config.ts';
import type { Logger } from '../../../core/log.ts';
import type { Queue } from '../../../core/queue/index.ts';
import type { Store } from '../../../core/store/index.ts';
import type { Followers, IntakeRecords } from '../../intake/index.ts';
import { DriveApi, FOLDER_MIME } from './api.ts';
import type { DriveChange, DriveFile } from './api.ts';
import { TokenSource, keyIdentity, readGoogleKey } from './auth.ts';
import { decide } from './decide.ts';
import { DriveCallError, DriveCritical, SyncBusy } from './errors.ts';
import { FolderMap } from './folders.ts';
import { exitCodeOf, newMetrics } from './metrics.ts';
import type { OutcomeCounts, SyncMetrics } from './metrics.ts';
import { modifiedTimeRun } from './modified-time.ts';
import { DriveState } from './state.ts';
import type { DriveFileRow } from './tables.ts';
import { Taker, partsDir } from './taker.ts';
import type { Take, Unit } from './taker.ts';

export interface SyncOptions {
  folders: string[];
  mode: 'changes' | 'modified_time';
  batchSize: number;
  maxPages: number;
  sleepBetweenBatchSeconds: number;
  advanceStrategy: 'MAX_OK_TIME' | 'CURRENT_TIME';
  dryRun: boolean;
  resetState: boolean;
  /** cli or service: who holds the lock. */
  by: string;
}

export interface SyncDeps {
  config: Config;
  /** The path GOOGLE_APPLICATION_CREDENTIALS names. */
  credentials: string | undefined;
  store: Store;
  queue: Queue;
  followers: Followers;
  intakeRecords: IntakeRecords;
  log: Logger;
  /** The invoice outcomes of the intake batches a run recorded (the composition root asks the invoice pipeline). */
  outcomes?: (batchIds: string[]) => Promise<OutcomeCounts>;
  signal?: AbortSignal;
}

export interface SyncResult {
  metrics: SyncMetrics;
  exitCode: 0 | 1 | 2;
  /** --dry-run: what would be taken. */
  wouldTake: Array<{ id: string; name: string; folder: string }>;
}

const LOCK_TTL_MS = 2 * 60_000;
const USER_CORPUS = 'user';
const tokenKey = (corpus: string): string => `changes.token:${corpus}`;

/** The options of a run from the settings (the CLI's flags override them). */
export function syncOptionsFrom(config: Config, by: string): SyncOptions {
  const d = config.drive;
  return {
    folders: d.folders,
    mode: d.mode,
    batchSize: d.batch_size,
    maxPages: d.max_pages_per_run,
    sleepBetweenBatchSeconds: d.sleep_between_batch_seconds,
    advanceStrategy: d.advance_strategy,
    dryRun: false,
    resetState: false,
    by,
  };
}

export async function runSync(deps: SyncDeps, o: SyncOptions): Promise<SyncResult> {
  const start = Date.now();
  const metrics = newMetrics(o.mode, o.dryRun, start);
  const state = new DriveState(deps.store);
  const lock = await state.lock(o.by, LOCK_TTL_MS);
  if (!lock.ok) {
    const h = lock.holder;
    throw new SyncBusy(
      `a Drive sync is already running (${h.by}, pid ${h.pid} on ${h.host}, since ${new Date(h.since).toISOString()}): wait for it to end`,
    );
  }
  let held = lock.value;
  const renew = setInterval(() => {
    void state.renewLock(held, LOCK_TTL_MS).then(
      (v) => (held = v ?? held),
      () => {},
    );
  }, LOCK_TTL_MS / 4);
  renew.unref();
  let taker: Taker | null = null;
  try {
    // Parts left by a run that was killed: only a run holding the lock writes there.
    await rm(partsDir(deps.config.paths.data), { recursive: true, force: true });
    if (o.resetState && !o.dryRun) await state.reset();
    const key = await readGoogleKey(deps.credentials);
    const api = new DriveApi({
      rootUrl: deps.config.drive.api_root,
      tokens: new TokenSource(key),
      requestsPerSecond: deps.config.drive.requests_per_second,
      retryMax: deps.config.drive.retry_max,
      retryBaseMs: deps.config.drive.retry_base_ms,
      log: deps.log,
      signal: deps.signal,
    });
    taker = new Taker({
      dataDir: deps.config.paths.data,
      intakeRecords: deps.intakeRecords,
      queue: deps.queue,
      followers: deps.followers,
      state,
      api,
      log: deps.log,
      batchSize: o.batchSize,
      sleepBetweenBatchMs: o.sleepBetweenBatchSeconds * 1000,
      dryRun: o.dryRun,
      metrics,
      signal: deps.signal,
    });
    try {
      if (o.folders.length === 0)
        throw new DriveCritical('no Drive folder to sync: set drive.folders (folder ids) or pass --folder-id');
      const ctx = { deps, o, api, state, taker, metrics, who: keyIdentity(key) };
      if (o.mode === 'changes') await new ChangesRun(ctx).run();
      else await modifiedTimeRun(ctx);
    } finally {
      metrics.drive_api_calls_total = api.calls;
      metrics.drive_pages_fetched_total = api.pages;
    }
  } catch (err) {
    if (err instanceof SyncBusy) throw err;
    metrics.critical = err instanceof DriveCritical ? err.message : `the sync failed: ${(err as Error).message}`;
    if (!(err instanceof DriveCritical)) deps.log.error({ err }, 'drive: the sync failed');
  } finally {
    clearInterval(renew);
  }
  try {
    if (taker && taker.batchIds.length > 0) {
      const counts = deps.outcomes ? await deps.outcomes(taker.batchIds) : null;
      if (counts) {
        metrics.invoices_processed_ok_total = counts.ok;
        metrics.invoices_duplicate_total = counts.duplicate;
        metrics.invoices_review_total = counts.review;
        metrics.invoices_error_total = counts.error;
        metrics.invoices_pending_total = counts.pending;
      } else metrics.invoices_pending_total = taker.stored.length;
    }
    const end = Date.now();
    metrics.end_time = new Date(end).toISOString();
    metrics.duration_seconds = Math.round((end - start) / 100) / 10;
    const exitCode = exitCodeOf(metrics);
    report(deps.log, metrics, exitCode);
    if (!o.dryRun) await state.set({ last_run: JSON.stringify({ ...metrics, exit_code: exitCode, host: hostname() }) });
    return { metrics, exitCode, wouldTake: taker?.wouldTake ?? [] };
  } finally {
    await state.unlock(held).catch(() => {});
  }
}

/** The log lines the monitor's rules make incidents of (config/rules.yaml: drive_sync_failed, drive_missed_files). */
function report(log: Logger, m: SyncMetrics, exitCode: number): void {
  const summary = {
    mode: m.mode,
    dry_run: m.dry_run,
    duration_seconds: m.duration_seconds,
    api_calls: m.drive_api_calls_total,
    files_downloaded: m.files_downloaded,
    download_errors: m.download_errors,
    ignored: m.invoices_ignored_total,
  };
  if (m.critical) log.error({ ...summary, reason: m.critical }, 'drive sync failed');
  else if (exitCode === 2)
    log.error({ ...summary, reason: `${m.download_errors + m.batch_errors} files failed` }, 'drive sync failed');
  else log.info(summary, 'drive sync done');
  if ((m.reconcile_missed_files ?? 0) > 0)
    log.warn({ missed: m.reconcile_missed_files }, 'drive reconcile found missed files');
}

export interface RunContext {
  deps: SyncDeps;
  o: SyncOptions;
  api: DriveApi;
  state: DriveState;
  taker: Taker;
  metrics: SyncMetrics;
  /** The key's identity, for "share the folder with …". */
  who: string;
}

/** The roots as Drive sees them; a folder that is not there, not shared or not a folder is critical. */
export async function checkRoots(ctx: RunContext, ids: readonly string[]): Promise<DriveFile[]> {
  const out: DriveFile[] = [];
  for (const id of ids) {
    let f: DriveFile;
    try {
      f = await ctx.api.getFile(id);
    } catch (err) {
      if (err instanceof DriveCallError && err.status === 404)
        throw new DriveCritical(
          `Drive folder ${id} not found: check the id in drive.folders and share the folder with ${ctx.who} (Viewer)`,
        );
      throw err;
    }
    if (f.mimeType !== FOLDER_MIME)
      throw new DriveCritical(`${id} (${f.name}) is not a folder: drive.folders takes folder ids`);
    if (f.trashed)
      throw new DriveCritical(
        `Drive folder ${id} (${f.name}) is in the trash: restore it or remove it from drive.folders`,
      );
    out.push(f);
  }
  return out;
}

interface Listing {
  queue: Array<{ folderId: string; pageToken: string | null }>;
  reconcile: boolean;
}

class ChangesRun {
  readonly #c: RunContext;
  readonly #pageSize: number;
  #budget: number;
  #map!: FolderMap;
  #listing: Listing | null = null;
  #missed = 0;
  readonly #started = Date.now();

  constructor(ctx: RunContext) {
    this.#c = ctx;
    this.#pageSize = ctx.deps.config.drive.page_size;
    this.#budget = ctx.o.maxPages;
  }

  async run(): Promise<void> {
    const { state, metrics, o } = this.#c;
    this.#map = new FolderMap(await state.folders());
    const raw = await state.get('listing');
    this.#listing = raw ? (JSON.parse(raw) as Listing) : null;
    const newRoots = o.folders.filter((id) => !this.#map.get(id) || this.#map.get(id)?.parent_id !== null);
    const tokens = new Map<string, string>();
    for (const corpus of await this.#corpora()) {
      const t = await state.get(tokenKey(corpus));
      if (t) tokens.set(corpus, t);
    }
    if (newRoots.length > 0) {
      // First run (or a new folder): its start token is saved before its listing begins.
      const roots = await checkRoots(this.#c, newRoots);
      const before: Record<string, string> = {};
      for (const r of roots) {
        const corpus = r.driveId ?? USER_CORPUS;
        if (!tokens.has(corpus)) {
          const t = await this.#c.api.startPageToken(r.driveId);
          tokens.set(corpus, t);
          before[tokenKey(corpus)] = t;
        }
        this.#map.addRoot(r.id, r.name, r.driveId);
      }
      this.#listing = {
        queue: [...(this.#listing?.queue ?? []), ...roots.map((r) => ({ folderId: r.id, pageToken: null }))],
        reconcile: this.#listing?.reconcile ?? false,
      };
      await this.#commit([], [], before);
    }
    metrics.page_token_before = Object.fromEntries(tokens);
    const reconcileEvery = this.#c.deps.config.drive.reconcile;
    const lastReconcile = Number((await state.get('reconcile.last_at')) ?? 0);
    if (!this.#listing && reconcileEvery > 0 && Date.now() - lastReconcile >= reconcileEvery) {
      this.#listing = { queue: this.#map.roots().map((r) => ({ folderId: r.id, pageToken: null })), reconcile: true };
    }
    const pending = new Set(tokens.keys());
    while (this.#budget > 0 && !this.#c.deps.signal?.aborted) {
      if (this.#listing && this.#listing.queue.length > 0) await this.#listPage();
      else if (pending.size > 0) {
        const corpus = [...pending][0] as string;
        const next = await this.#changesPage(corpus, tokens.get(corpus) as string);
        tokens.set(corpus, next.token);
        if (next.done) pending.delete(corpus);
      } else break;
    }
    metrics.listing_incomplete = (this.#listing?.queue.length ?? 0) > 0;
    metrics.page_token_after = Object.fromEntries(tokens);
    if (this.#budget > 0) await this.#retryFailed();
  }

  async #corpora(): Promise<string[]> {
    const ids = new Set(this.#map.roots().map((r) => r.drive_id ?? USER_CORPUS));
    if (ids.size === 0) ids.add(USER_CORPUS);
    return [...ids];
  }

  async #listPage(): Promise<void> {
    const listing = this.#listing as Listing;
    const head = listing.queue[0] as Listing['queue'][number];
    const folder = this.#map.get(head.folderId);
    this.#budget--;
    if (!folder) {
      listing.queue.shift(); // left the tree since it was queued
      return;
    }
    const page = await this.#c.api.listChildren(head.folderId, head.pageToken, this.#pageSize);
    this.#c.metrics.drive_items_listed_total += page.files.length;
    const files: DriveFile[] = [];
    for (const f of page.files) {
      if (f.mimeType === FOLDER_MIME) {
        const known = this.#map.has(f.id);
        this.#map.place(f.id, f.name, folder);
        if (!known || listing.reconcile) listing.queue.push({ folderId: f.id, pageToken: null });
      } else files.push(f);
    }
    if (page.nextPageToken) head.pageToken = page.nextPageToken;
    else listing.queue.shift();
    const done = listing.queue.length === 0;
    const extra: Record<string, string | null> = { listing: done ? null : JSON.stringify(listing) };
    const takes = await this.#takes(files);
    if (listing.reconcile) this.#missed += takes.list.filter((t) => t.known?.take !== 'failed').length;
    if (done) {
      extra['reconcile.last_at'] = String(Date.now());
      if (listing.reconcile) {
        this.#c.metrics.reconcile_missed_files = this.#missed;
        this.#missed = 0;
      }
      this.#listing = null;
    }
    await this.#commit(takes.list, takes.rows, extra);
  }

  async #changesPage(corpus: string, token: string): Promise<{ token: string; done: boolean }> {
    this.#budget--;
    const driveId = corpus === USER_CORPUS ? null : corpus;
    const page = await this.#c.api.changes(token, driveId, this.#pageSize);
    this.#c.metrics.drive_items_listed_total += page.changes.length;
    const rows: DriveFileRow[] = [];
    // Folders first: a file in a folder moved in by the same page is then in the tree.
    const isFolder = (c: DriveChange): boolean => c.file?.mimeType === FOLDER_MIME;
    for (const c of page.changes.filter(isFolder)) this.#folderChange(c);
    for (const c of page.changes.filter((c) => !isFolder(c) && !c.file)) this.#folderChange(c); // removed: maybe a folder
    const candidates: DriveFile[] = [];
    const known = await this.#c.state.files(page.changes.map((c) => c.fileId));
    for (const c of page.changes.filter((c) => !isFolder(c))) {
      const row = known.get(c.fileId);
      const f = c.file;
      const gone = c.removed || !f;
      const inTree = !gone && !f.trashed && this.#map.parentIn(f.parents) !== undefined;
      if (inTree) candidates.push(f);
      else if (row) {
        const next: DriveFileRow['state'] = gone ? 'removed' : f.trashed ? 'trashed' : 'out';
        if (row.state !== next) rows.push({ ...row, state: next, updated_at: Date.now() });
      }
    }
    const takes = await this.#takes(candidates);
    const next = page.nextPageToken ?? page.newStartPageToken;
    if (!next)
      throw new DriveCallError(500, 'noToken', 'changes.list answered neither nextPageToken nor newStartPageToken');
    const extra: Record<string, string | null> = { [tokenKey(corpus)]: next };
    if (this.#listing) extra['listing'] = JSON.stringify(this.#listing);
    await this.#commit(takes.list, [...rows, ...takes.rows], extra);
    return { token: next, done: page.newStartPageToken !== null && !page.nextPageToken };
  }

  /** A folder changed: moved in (listed), moved out, trashed or unshared (its subtree leaves), renamed. */
  #folderChange(c: DriveChange): void {
    const f = c.file;
    const root = this.#c.o.folders.includes(c.fileId);
    if (!f || c.removed || f.trashed) {
      if (this.#map.has(c.fileId)) {
        const n = this.#map.remove(c.fileId);
        this.#c.deps.log.warn({ folder: c.fileId, folders: n, root }, 'drive: a folder left the watched tree');
      }
      return;
    }
    if (root) return;
    const parent = this.#map.parentIn(f.parents);
    if (!parent) {
      if (this.#map.has(f.id)) this.#map.remove(f.id);
      return;
    }
    const known = this.#map.has(f.id);
    this.#map.place(f.id, f.name, parent);
    if (!known) {
      // Moved in, restored or shared again: what is inside it was never seen by changes; list it.
      this.#listing ??= { queue: [], reconcile: false };
      this.#listing.queue.push({ folderId: f.id, pageToken: null });
    }
  }

  async #takes(files: DriveFile[]): Promise<{ list: Take[]; rows: DriveFileRow[] }> {
    const known = await this.#c.state.files(files.map((f) => f.id));
    return takesOf(this.#c, files, known, (f) => this.#map.parentIn(f.parents)?.path ?? '');
  }

  async #commit(takes: Take[], rows: DriveFileRow[], extra: Record<string, string | null>): Promise<void> {
    const unit: Unit = { takes, rows, folders: this.#map.drain(), state: extra };
    await this.#c.taker.commit(unit);
  }

  /** Files that failed before, still in the tree: fetched again (their metadata first) while tries are left. */
  async #retryFailed(): Promise<void> {
    const { state, api, deps } = this.#c;
    const failed = await state.failedFiles(deps.config.drive.retry_max + 1, this.#c.o.batchSize * 10, this.#started);
    const files: DriveFile[] = [];
    for (const row of failed) {
      try {
        const f = await api.getFile(row.id);
        if (!f.trashed && this.#map.parentIn(f.parents)) files.push(f);
      } catch (err) {
        if (!(err instanceof DriveCallError) || err.status !== 404) throw err;
        await state.putFiles([{ ...row, state: 'removed', updated_at: Date.now() }]);
      }
    }
    if (files.length > 0) {
      const takes = await this.#takes(files);
      await this.#commit(takes.list, takes.rows, {});
    }
  }
}

/** The takes and the ignored rows of files found in the tree (dedup by Drive id + checksum). */
export function takesOf(
  ctx: RunContext,
  files: DriveFile[],
  known: Map<string, DriveFileRow>,
  pathOf: (f: DriveFile) => string,
): { list: Take[]; rows: DriveFileRow[] } {
  const list: Take[] = [];
  const rows: DriveFileRow[] = [];
  for (const f of files) {
    const row = known.get(f.id);
    const d = decide(f, row, ctx.deps.config.drive.google_docs);
    const folderPath = pathOf(f);
    if (d.kind === 'known') {
      // The same content as before: back in the tree (restored, moved back) but not taken twice.
      if (row && row.state !== 'in')
        rows.push({ ...row, state: 'in', folder_path: folderPath, updated_at: Date.now() });
      continue;
    }
    if (d.kind === 'ignore') {
      ctx.metrics.invoices_ignored_total++;
      rows.push({
        id: f.id,
        name: f.name,
        folder_path: folderPath,
        mime_type: f.mimeType,
        modified_time: f.modifiedTime,
        checksum: d.checksum,
        take: 'ignored',
        reason: d.reason,
        intake_file_id: row?.intake_file_id ?? null,
        attempts: 0,
        state: 'in',
        updated_at: Date.now(),
      });
      continue;
    }
    list.push({ file: f, name: d.name, exportPdf: d.exportPdf, checksum: d.checksum, folderPath, known: row });
  }
  return { list, rows };
}
