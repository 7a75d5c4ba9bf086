// Keeps every repair inside the folders it may touch: a path is judged by where it really leads (`..` resolved,
// symlinks of existing parts followed), so neither `..` nor a symlink can carry a repair outside the allowed roots.
import { lstat, realpath } from 'node:fs/promises';
import { basename, dirname, resolve, sep } from 'node:path';

export type Confined = { ok: true; real: string } | { ok: false; reason: string };

/**
 * The real path of `path` if it lies under one of `roots`. `followFinal: false` judges a final symlink as itself
 * (its parent is still resolved), for actions that act on the link without following it.
 */
export async function confine(path: string, roots: readonly string[], followFinal: boolean): Promise<Confined> {
  const abs = resolve(path);
  let real: string;
  let realRoots: string[];
  try {
    real =
      followFinal || dirname(abs) === abs
        ? await realpathDeep(abs)
        : `${trimSep(await realpathDeep(dirname(abs)))}${sep}${basename(abs)}`;
    realRoots = await Promise.all(roots.map((r) => realpathDeep(resolve(r))));
  } catch (err) {
    return { ok: false, reason: `cannot tell where ${path} leads: ${(err as Error).message}` };
  }
  if (realRoots.some((root) => real === root || real.startsWith(`${trimSep(root)}${sep}`))) return { ok: true, real };
  const leads = real === abs ? '' : ` (it leads to ${real})`;
  const allowed = roots.length ? roots.join(', ') : 'none are set';
  return {
    ok: false,
    reason: `${path}${leads} is outside the folders repairs may touch (${allowed}); add its folder to monitor.allowed_roots if the monitor should repair it`,
  };
}

/** realpath of the deepest part that exists, with the parts that do not exist yet appended. */
async function realpathDeep(abs: string): Promise<string> {
  try {
    return await realpath(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
  }
  const parent = dirname(abs);
  if (parent === abs) return abs;
  // A dangling symlink does not exist for realpath, yet mkdir or rename through it would follow it somewhere.
  const link = await lstat(abs).then(
    (s) => s.isSymbolicLink(),
    () => false,
  );
  if (link) throw new Error(`${abs} is a symlink to something that does not exist`);
  return `${trimSep(await realpathDeep(parent))}${sep}${basename(abs)}`;
}

function trimSep(p: string): string {
  return p.endsWith(sep) ? p.slice(0, -1) : p;
}
