// The folder map of the watched tree: every folder under drive.folders, with its path. A file is in the tree when
// its parent is here. Changes move folders in (added; their contents are listed), out (removed with everything
// below them), rename them (paths below follow). Changes are kept until the run writes them with its page.
import type { DriveFolderRow } from './tables.ts';

export class FolderMap {
  readonly #nodes = new Map<string, DriveFolderRow>();
  readonly #dirty = new Set<string>();
  readonly #gone = new Set<string>();

  constructor(rows: readonly DriveFolderRow[]) {
    for (const r of rows) this.#nodes.set(r.id, r);
  }

  has(id: string): boolean {
    return this.#nodes.has(id);
  }

  get(id: string): DriveFolderRow | undefined {
    return this.#nodes.get(id);
  }

  get size(): number {
    return this.#nodes.size;
  }

  /** The folder of the tree a file with these parents is in, if any. */
  parentIn(parents: readonly string[]): DriveFolderRow | undefined {
    for (const p of parents) {
      const node = this.#nodes.get(p);
      if (node) return node;
    }
    return undefined;
  }

  addRoot(id: string, name: string, driveId: string | null): void {
    this.#put({ id, parent_id: null, name, path: name, root_id: id, drive_id: driveId, updated_at: Date.now() });
  }

  /** Adds a folder under a parent of the tree (or moves and renames it there); paths below follow. */
  place(id: string, name: string, parent: DriveFolderRow): void {
    const before = this.#nodes.get(id);
    const path = `${parent.path}/${name}`;
    if (before && before.parent_id === parent.id && before.path === path) return;
    this.#put({
      id,
      parent_id: parent.id,
      name,
      path,
      root_id: parent.root_id,
      drive_id: parent.drive_id,
      updated_at: Date.now(),
    });
    if (before) for (const child of this.#children(id)) this.place(child.id, child.name, this.#nodes.get(id) ?? parent);
  }

  /** Takes a folder and everything below it out of the tree; returns how many folders left. */
  remove(id: string): number {
    if (!this.#nodes.has(id)) return 0;
    let count = 1;
    for (const child of this.#children(id)) count += this.remove(child.id);
    this.#nodes.delete(id);
    this.#dirty.delete(id);
    this.#gone.add(id);
    return count;
  }

  roots(): DriveFolderRow[] {
    return [...this.#nodes.values()].filter((n) => n.parent_id === null);
  }

  /** What changed since the last call, to be written with the page that changed it. */
  drain(): { put: DriveFolderRow[]; gone: string[] } {
    const put = [...this.#dirty].map((id) => this.#nodes.get(id)).filter((n) => n !== undefined);
    const gone = [...this.#gone];
    this.#dirty.clear();
    this.#gone.clear();
    return { put, gone };
  }

  #put(row: DriveFolderRow): void {
    this.#nodes.set(row.id, row);
    this.#gone.delete(row.id);
    this.#dirty.add(row.id);
  }

  #children(id: string): DriveFolderRow[] {
    return [...this.#nodes.values()].filter((n) => n.parent_id === id);
  }
}
