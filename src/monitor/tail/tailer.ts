// The tailer: each tick finds the files the configured paths name, reads what is new in each from its offset, and
// hands the records to onRecords in batches; a batch's checkpoints are written only once it is handled. Ticks run
// one at a time, on chokidar's signal, on a slow safety poll, and on drain().
import { open, realpath } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { Logger } from '../../core/log.ts';
import { CheckpointRecords, KEEP_FINISHED_MS } from './checkpoints.ts';
import { BATCH, Delivery } from './delivery.ts';
import { codeOf, discover, toPatterns } from './discover.ts';
import type { Found, Pattern } from './discover.ts';
import { TailFile, lastLineStart } from './file-reader.ts';
import { identityOf, readHead } from './identity.ts';
import type { Fingerprint, Identity } from './identity.ts';
import type { CheckpointRow } from './checkpoints.ts';
import { Ledger } from './ledger.ts';
import { checkOptions } from './options.ts';
import type { CheckedOptions, TailOptions } from './options.ts';
import { HOLD_MS, place } from './placement.ts';
import { ProblemLog } from './problems.ts';
import { findRotatedCopy } from './rotated-copy.ts';
import { ChangeWatcher } from './watch.ts';

const CHUNK = 64 * 1024;
/** Bytes read from a file between two checks that it was not truncated meanwhile. */
const PASS = 256 * 1024;
/** Passes per file and tick: a busy file does not keep the others waiting. */
const PASSES_PER_TICK = 8;
/** After signals, wait this long before a tick, so that a burst of writes is read in one. */
const SETTLE_MS = 20;

interface Placed {
  id: Identity;
  head: Buffer;
  at: number;
  /** The checkpoint of what this file held before it was truncated or replaced while nobody read it. */
  retired?: CheckpointRow;
}

export class Tailer {
  readonly #c: CheckedOptions;
  readonly #log: Logger;
  readonly #patterns: Pattern[];
  readonly #now: () => number;
  readonly #checkpoints: CheckpointRecords;
  readonly #ledger = new Ledger();
  readonly #problems: ProblemLog;
  readonly #delivery: Delivery;
  readonly #buf = Buffer.allocUnsafe(CHUNK);
  /** Real paths of followed symlinks, which chokidar must watch too. */
  readonly #targets = new Set<string>();
  /** Files that look like a copy of a live one, by key: since when, and whether first met in the first pass. */
  readonly #held = new Map<string, { since: number; firstPass: boolean }>();
  #init: Promise<void> | null = null;
  #watcher: ChangeWatcher | null = null;
  #poll: NodeJS.Timeout | null = null;
  #timer: NodeJS.Timeout | null = null;
  #timerDue = 0;
  #chain: Promise<unknown> = Promise.resolve();
  #queued: Promise<void> | null = null;
  #started = false;
  #stopped = false;
  #firstPass = true;
  #more = false;
  #bytes = 0;
  #lostBytes = 0;
  #losses = 0;
  /** Each live file's size when last read to its end: how far a truncation can have cut past our offset. */
  readonly #sizes = new Map<string, number>();

  constructor(options: TailOptions) {
    this.#c = checkOptions(options);
    this.#log = options.log;
    this.#patterns = toPatterns(this.#c.files, this.#c.cwd ?? process.cwd());
    this.#now = options.now ?? Date.now;
    this.#checkpoints = new CheckpointRecords(options.store);
    this.#problems = new ProblemLog(options.log);
    this.#delivery = new Delivery({
      onRecords: (records) => options.onRecords(records),
      checkpoints: this.#checkpoints,
      ledger: this.#ledger,
      problems: this.#problems,
      now: this.#now,
      retryMs: this.#c.pollMs,
    });
  }

  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    await this.#ready();
    this.#watcher = new ChangeWatcher(
      this.#patterns,
      () => this.#targets,
      () => this.#request(SETTLE_MS),
      (err) =>
        this.#problems.report('watch', {
          subject: 'watcher',
          condition: codeOf(err),
          message: `watching the log files failed (${(err as Error).message}); the ${this.#c.pollMs} ms poll goes on`,
        }),
    );
    await this.#watcher.start();
    this.#poll = setInterval(() => this.#request(0), this.#c.pollMs);
    this.#poll.unref();
    // The first pass is part of start: every file is placed (new ones at their end) before start returns, so a line
    // written once the service is up is read, not skipped as "already there when first seen".
    await this.#enqueue(false);
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#poll) clearInterval(this.#poll);
    if (this.#timer) clearTimeout(this.#timer);
    await this.#watcher?.close();
    await this.#chain;
    for (const f of this.#ledger.files.values()) await f.close();
    this.#ledger.files.clear();
  }

  /** Reads every file now and resolves when all that was there has been delivered (tests, bench). */
  async drain(): Promise<void> {
    if (this.#stopped) throw new Error('the tailer is stopped; drain() needs a running or a new tailer');
    await this.#ready();
    await this.#enqueue(true);
    const err = this.#delivery.error;
    if (err !== null)
      throw new Error(
        `onRecords failed: ${(err as Error | null)?.message ?? String(err)}; the batch is kept and offered again`,
      );
  }

  stats(): { files: number; records: number; bytes: number } {
    let files = 0;
    for (const f of this.#ledger.files.values()) if (f.status !== 'finished') files++;
    return { files, records: this.#delivery.records, bytes: this.#bytes };
  }

  #ready(): Promise<void> {
    this.#init ??= (async () => {
      await this.#checkpoints.prune(this.#now() - KEEP_FINISHED_MS);
      this.#ledger.load(await this.#checkpoints.load());
    })().catch((err: unknown) => {
      this.#init = null; // the store may be back on the next call
      throw err;
    });
    return this.#init;
  }

  /** A tick in `delayMs` (or sooner if one is already due sooner). */
  #request(delayMs: number): void {
    if (this.#stopped || !this.#started) return;
    const due = Date.now() + delayMs;
    if (this.#timer && this.#timerDue <= due) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerDue = due;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (this.#now() >= this.#delivery.retryAt) void this.#enqueue(false);
    }, delayMs);
    this.#timer.unref();
  }

  /** Ticks run one after another; signals that arrive while one waits to run share it. */
  #enqueue(final: boolean): Promise<void> {
    if (!final && this.#queued) return this.#queued;
    const run = this.#chain.then(async () => {
      if (!final) this.#queued = null;
      if (this.#stopped) return;
      try {
        await this.#tick(final);
        this.#problems.clear('tick', 'tick', 'reading the log files works again');
      } catch (err) {
        this.#problems.report(
          'tick',
          {
            subject: 'tick',
            condition: (err as Error).message,
            message: `reading the log files failed: ${(err as Error).message}; tried again`,
          },
          err,
        );
        if (final) throw err;
      }
    });
    if (!final) this.#queued = run;
    this.#chain = run.catch(() => {});
    return run;
  }

  async #tick(final: boolean): Promise<void> {
    const now = this.#now();
    this.#more = false;
    if (!(await this.#delivery.deliver(true))) return; // a failed batch goes first: nothing new is read before it
    const { found, problems } = await discover(this.#patterns);
    this.#problems.sync('files', problems, (subject) => `${subject} is there and readable now`);
    const files = this.#ledger.files;

    for (const f of files.values()) {
      if (f.status === 'live' && !found.has(f.id.key))
        f.status = 'draining'; // rotated away, or deleted
      else if (f.status === 'draining' && found.has(f.id.key)) f.status = 'live'; // renamed back
    }
    // Rotated-away files first: the old file is read to its end before the new one.
    for (const f of [...files.values()]) {
      if (f.status !== 'draining') continue;
      const read = await this.#readAll(f, now, final);
      if (read === null) return;
      if (final || read === 0) {
        f.finish(this.#delivery.queue);
        f.status = 'finished';
        await f.close();
      }
    }
    for (const hit of found.values()) {
      const f = files.get(hit.id.key);
      if (!f || f.status !== 'live') continue;
      f.source = hit.source;
      if (hit.size === f.readPos) continue; // the usual idle case: nothing to read, nothing to check
      // Shorter than what was read: truncated. One replaced by other bytes shows in read()'s check of its head. The
      // size is asked again: the listing's may be older than the read (a copy taken up this tick, half written then).
      if (hit.size < f.readPos && (await f.size()) < f.readPos && !(await this.#restartChanged(f, now))) return;
      if ((await this.#readAll(f, now, final)) === null) return;
      this.#sizes.set(f.id.key, hit.size);
    }
    // New files; those the store knows first, so that a truncated one is retired before its copy is placed.
    const fresh = [...found.values()].filter((hit) => !files.has(hit.id.key));
    fresh.sort((a, b) => Number(this.#ledger.known.has(b.id.key)) - Number(this.#ledger.known.has(a.id.key)));
    for (const hit of fresh) if (!(await this.#track(hit, now, final))) return;
    for (const key of this.#held.keys()) if (!found.has(key)) this.#held.delete(key);
    if (this.#firstPass) {
      this.#firstPass = false;
      this.#ledger.forgetUnseen(now);
    }

    let pending = false;
    for (const f of files.values()) {
      const since = f.pendingSince;
      if (since === null) continue;
      if (final || now - since >= this.#c.idleFlushMs) f.flushPending(this.#delivery.queue);
      else pending = true;
    }
    if (!(await this.#delivery.deliver(true))) return;
    for (const f of files.values()) f.acked = f.durablePos;
    await this.#delivery.save(now);
    if (this.#more) this.#request(0);
    else if (pending) this.#request(this.#c.idleFlushMs);
  }

  /** Reads a file to its end (or its share of this tick, unless draining); null when a batch could not be delivered. */
  async #readAll(f: TailFile, now: number, final: boolean): Promise<number | null> {
    let total = 0;
    for (let pass = 0; final || pass < PASSES_PER_TICK; pass++) {
      const n = await f.read(this.#delivery.queue, this.#buf, now, PASS);
      if (n === -1) {
        if (!(await this.#restartChanged(f, now))) return null;
        continue;
      }
      total += n;
      this.#bytes += n;
      if (this.#delivery.queue.length >= BATCH && !(await this.#delivery.deliver(false))) return null;
      if (n < PASS) return total;
    }
    this.#more = true;
    return total;
  }

  /**
   * The file was truncated or replaced: deliver what it held, retire its checkpoint, read it again from 0. What was
   * past our offset is read from its rotated copy beside it, found by identity (copy-truncate of a plain path);
   * without one, the bytes we had seen and not read are reported lost (a WARN), never silently.
   */
  async #restartChanged(f: TailFile, now: number): Promise<boolean> {
    f.flushPending(this.#delivery.queue);
    if (!(await this.#delivery.deliver(true))) return false;
    f.acked = f.durablePos;
    const offset = f.readPos;
    const fp = f.fp;
    this.#ledger.retire({
      path: f.source,
      dev: f.id.dev,
      ino: f.id.ino,
      fingerprint: f.fp.hash,
      fp_len: f.fp.len,
      byte_offset: f.acked,
      updated_at: this.#now(),
    });
    f.restart(0);
    this.#log.info({ file: f.source }, 'log file truncated or replaced; reading it from its start');
    const seen = this.#sizes.get(f.id.key) ?? 0;
    this.#sizes.delete(f.id.key);
    return this.#followCopy(f.source, fp, offset, seen, now);
  }

  /** Reads the rest of a truncated file from its rotated copy beside it; without one, WARNs that lines may be lost. */
  async #followCopy(source: string, fp: Fingerprint, offset: number, seen: number, now: number): Promise<boolean> {
    const copy = await findRotatedCopy(source, fp, new Set(this.#ledger.files.keys()));
    if (copy) {
      this.#log.info({ file: source, copy: copy.source, from: offset }, 'reading the rest of the rotated copy');
      return this.#track(copy, now, false);
    }
    if (offset > 0) {
      // The old length is gone with the truncation: what we had seen past our offset is a lower bound.
      const atLeast = Math.max(0, seen - offset);
      this.#lostBytes += atLeast;
      this.#losses++;
      this.#log.warn(
        { file: source, read_to: offset, lost_bytes_at_least: atLeast, lost_bytes_total: this.#lostBytes },
        `log lines may have been lost: ${source} was truncated and no rotated copy was found beside it, so lines written after byte ${offset} and before the truncation were not read (at least ${atLeast} bytes); list the rotated name in monitor.logs (a glob such as app.log*) or use delaycompress`,
      );
    }
    return true;
  }

  /** Bytes seen in files and lost to a truncation before they were read (see #restartChanged). */
  get lostBytes(): number {
    return this.#lostBytes;
  }

  /** Truncations after which lines may have been lost (the WARNs "log lines may have been lost"). */
  get losses(): number {
    return this.#losses;
  }

  /** Starts reading a file met for the first time (or held before). False when a batch could not be delivered. */
  async #track(hit: Found, now: number, final: boolean): Promise<boolean> {
    let fh;
    try {
      fh = await open(hit.source, 'r');
    } catch (err) {
      const code = codeOf(err);
      if (code !== 'ENOENT') {
        this.#problems.report(
          'open',
          {
            subject: hit.source,
            condition: code,
            message: `cannot open ${hit.source} (${code}); give the service's user read access`,
          },
          err,
        );
      }
      return true;
    }
    this.#problems.clear('open', hit.source, `${hit.source} can be read now`);
    let placed: Placed | null = null;
    try {
      placed = await this.#place(fh, hit, now);
    } finally {
      if (!placed) await fh.close(); // held, replaced meanwhile, or reading its head failed
    }
    if (!placed) return true;
    const { id, head, at, retired } = placed;
    const f = new TailFile(id, fh, hit.source, at, head, {
      maxLineBytes: this.#c.maxLineBytes,
      multilineStart: this.#c.multilineStart,
    });
    this.#ledger.add(f);
    await this.#watchTarget(hit.source);
    if ((await this.#readAll(f, now, final)) === null) return false;
    // Truncated while the service was down: the rest of what it held may be in its rotated copy.
    if (retired && retired.byte_offset > 0)
      return this.#followCopy(
        hit.source,
        { hash: retired.fingerprint, len: retired.fp_len },
        retired.byte_offset,
        0,
        now,
      );
    return true;
  }

  /** Where to start in an opened file; null to leave it for now (held, or replaced since it was found). */
  async #place(fh: FileHandle, hit: Found, now: number): Promise<Placed | null> {
    const st = await fh.stat({ bigint: true });
    const id = identityOf(st);
    if (id.key !== hit.id.key) return null; // replaced between stat and open: the next tick sees the new one
    const head = await readHead(fh);
    const size = Number(st.size);
    const held = this.#held.get(id.key);
    const placement = place(head, size, {
      own: this.#ledger.known.get(id.key),
      retired: this.#ledger.retired,
      live: this.#ledger.files.values(),
      pathSeen: this.#ledger.seenPaths.has(hit.source),
      firstPass: held?.firstPass ?? this.#firstPass,
      holdExpired: held !== undefined && now - held.since >= HOLD_MS,
      from: this.#c.from,
    });
    if (placement.kind === 'hold') {
      if (!held && size > 0) this.#held.set(id.key, { since: now, firstPass: this.#firstPass });
      return null;
    }
    const at = placement.at === 'end' ? await lastLineStart(fh, size) : placement.at;
    this.#held.delete(id.key);
    if (placement.retire) this.#ledger.retire({ ...placement.retire, updated_at: now });
    if (placement.consume) this.#ledger.consume(placement.consume, now);
    return { id, head, at, retired: placement.retire };
  }

  /** A symlink's target may live elsewhere: chokidar watches it too. */
  async #watchTarget(path: string): Promise<void> {
    const real = await realpath(path).catch(() => path);
    if (real === path || this.#targets.has(real)) return;
    this.#targets.add(real);
    this.#watcher?.addFile(real);
  }
}
