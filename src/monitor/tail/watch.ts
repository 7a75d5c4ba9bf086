// Tells the tailer that something changed, so it reads soon: chokidar (loaded only when a tailer starts, since
// idle memory matters) on the files and on the folders of the globs. Reading is the tailer's; this only signals.
import type { Stats } from 'node:fs';
import { matchesGlob, sep } from 'node:path';
import type { ChokidarOptions, FSWatcher } from 'chokidar';
import { GLOB_CHARS } from './discover.ts';
import type { Pattern } from './discover.ts';

export class ChangeWatcher {
  readonly #patterns: readonly Pattern[];
  readonly #extra: () => ReadonlySet<string>;
  readonly #onChange: () => void;
  readonly #onError: (err: unknown) => void;
  #watchers: FSWatcher[] = [];
  #files: FSWatcher | null = null;
  #watch: ((paths: string | string[], options?: ChokidarOptions) => FSWatcher) | null = null;
  readonly #added = new Set<string>();

  /** `extra`: paths that matter besides the patterns (the current targets of symlinks). */
  constructor(
    patterns: readonly Pattern[],
    extra: () => ReadonlySet<string>,
    onChange: () => void,
    onError: (err: unknown) => void,
  ) {
    this.#patterns = patterns;
    this.#extra = extra;
    this.#onChange = onChange;
    this.#onError = onError;
  }

  async start(): Promise<void> {
    this.#watch = (await import('chokidar')).watch;
    const plain = this.#patterns.filter((p) => !p.glob).map((p) => p.abs);
    if (plain.length > 0) this.#files = this.#add(plain, undefined);
    for (const p of this.#patterns.filter((q) => q.glob)) {
      const { base, depth } = globBase(p.abs);
      this.#add(base, depth);
    }
  }

  /** Watches one more file (a symlink's new target, possibly in another folder). */
  addFile(path: string): void {
    if (!this.#watch || this.#added.has(path) || this.#relevantByPattern(path)) return;
    this.#added.add(path);
    if (this.#files) this.#files.add(path);
    else this.#files = this.#add([path], undefined);
  }

  async close(): Promise<void> {
    const all = this.#watchers;
    this.#watchers = [];
    this.#files = null;
    await Promise.all(all.map((w) => w.close()));
  }

  #add(paths: string | string[], depth: number | undefined): FSWatcher {
    const watch = this.#watch;
    if (!watch) throw new Error('the watcher is not started');
    const w = watch(paths, {
      ignoreInitial: true,
      depth,
      // Files in the folders that no pattern names are not ours (folders are never ignored: globs may go deeper).
      ignored: (path: string, stats?: Stats) => stats?.isFile() === true && !this.#relevant(path),
    });
    w.on('all', () => this.#onChange());
    w.on('error', (err) => this.#onError(err));
    this.#watchers.push(w);
    return w;
  }

  #relevant(path: string): boolean {
    return this.#relevantByPattern(path) || this.#extra().has(path);
  }

  #relevantByPattern(path: string): boolean {
    return this.#patterns.some((p) => (p.glob ? matchesGlob(path, p.abs) : p.abs === path));
  }
}

/** The folder before the first glob segment, and how deep below it the pattern reaches (undefined: any depth). */
function globBase(abs: string): { base: string; depth: number | undefined } {
  const parts = abs.split(sep);
  const i = parts.findIndex((part) => GLOB_CHARS.test(part));
  const rest = parts.slice(i);
  return { base: parts.slice(0, i).join(sep) || sep, depth: rest.includes('**') ? undefined : rest.length - 1 };
}
