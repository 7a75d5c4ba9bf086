// create_folder {path}: mkdir -p of a missing media folder, with the mode of the folder it is made in (0o2775 when
// that cannot be read) and, when monitor.owner is set, that owner; holds when the path is a directory.
import { chmod, chown, mkdir, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { dirname, relative, join, sep } from 'node:path';
import { z } from 'zod';
import { errorText, fail, ok } from './action.ts';
import type { Action } from './action.ts';
import { resolveOwner } from './owner.ts';
import { pathParam, timeoutParam } from './params.ts';

const schema = z.object({ path: pathParam, timeout: timeoutParam });
type Params = z.infer<typeof schema>;

const DEFAULT_MODE = 0o2775;

export const createFolder: Action<Params> = {
  type: 'create_folder',
  schema,
  path: { key: 'path', followFinal: true },
  timeoutMs: (p) => p.timeout ?? 10_000,
  describe: (p, ctx) => `create folder ${ctx.real(p.path)} (mkdir -p, mode of its parent folder)`,
  async attempt(p, ctx) {
    const real = ctx.real(p.path);
    const before = await statOrNull(real);
    if (before)
      return before.isDirectory()
        ? ok(`${real} exists already`)
        : fail(`${real} exists and is not a folder: move it away by hand`, true);
    const mode = await parentMode(real);
    const first = await mkdir(real, { recursive: true, mode });
    const created = first ? chain(first, real) : [];
    // mkdir applies the umask and drops setgid: set the mode exactly on every folder it made.
    for (const dir of created) await chmod(dir, mode);
    let note = '';
    if (ctx.owner && created.length) {
      try {
        const { uid, gid } = await resolveOwner(ctx.owner);
        for (const dir of created) await chown(dir, uid, gid);
      } catch (err) {
        note = `; it could not be given to monitor.owner ${ctx.owner}: ${errorText(err)}`;
      }
    }
    const after = await statOrNull(real);
    if (!after?.isDirectory()) return fail(`${real} is still not a folder after mkdir`);
    return ok(`created ${real} (mode ${(mode & 0o7777).toString(8)})${note}`);
  },
};

async function statOrNull(path: string): Promise<Stats | null> {
  return stat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
}

/** The mode of the nearest existing folder above `path`. */
async function parentMode(path: string): Promise<number> {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const s = await statOrNull(dir);
    if (s) return s.isDirectory() ? s.mode & 0o7777 : DEFAULT_MODE;
    if (dirname(dir) === dir) return DEFAULT_MODE;
  }
}

/** The folders from `first` (the first one mkdir made) down to `last`. */
function chain(first: string, last: string): string[] {
  const out = [first];
  let dir = first;
  for (const part of relative(first, last).split(sep).filter(Boolean)) out.push((dir = join(dir, part)));
  return out;
}
