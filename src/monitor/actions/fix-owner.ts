// fix_owner {path}: gives a file or folder to monitor.owner after a permission error (fs.lchown: no sudo, no shell).
// A symlink is changed itself, and its target only when that too lies inside the allowed roots; a target left
// alone means the repair did not hold (reading through the link is still denied).
import { chown, lchown, lstat } from 'node:fs/promises';
import { z } from 'zod';
import { errorText, fail, ok } from './action.ts';
import type { Action, TryResult } from './action.ts';
import { resolveOwner } from './owner.ts';
import type { Owner } from './owner.ts';
import { pathParam, timeoutParam } from './params.ts';

const schema = z.object({ path: pathParam, timeout: timeoutParam });
type Params = z.infer<typeof schema>;

export const fixOwner: Action<Params> = {
  type: 'fix_owner',
  schema,
  path: { key: 'path', followFinal: false },
  timeoutMs: (p) => p.timeout ?? 10_000,
  describe: (p, ctx) =>
    `give ${ctx.real(p.path)} to monitor.owner (chown, not following a symlink out of the allowed roots)`,
  async precheck(_p, ctx) {
    if (!ctx.owner)
      return {
        result: 'failed',
        detail: 'no owner to give the file to: set monitor.owner (uid:gid such as 1000:1000, or a user name)',
      };
    try {
      await resolveOwner(ctx.owner);
      return null;
    } catch (err) {
      return { result: 'failed', detail: errorText(err) };
    }
  },
  async attempt(p, ctx) {
    const owner = await resolveOwner(ctx.owner);
    const real = ctx.real(p.path);
    const s = await lstat(real).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (!s) return fail(`${real} does not exist: nothing to give to ${ctx.owner}`, true);
    // lchown: the path itself, even if someone swapped a symlink in since it was checked.
    const denied = await giveAway(() => lchown(real, owner.uid, owner.gid), real, ctx.owner);
    if (denied) return denied;
    const changed = [real];
    if (s.isSymbolicLink()) {
      const target = await ctx.confine(real, true);
      if (target.ok) {
        const no = await giveAway(() => chown(target.real, owner.uid, owner.gid), target.real, ctx.owner);
        if (no) return no;
        changed.push(target.real);
      } else {
        // The link's owner does not decide who may read through it: the permission error stays, so it did not hold.
        return fail(
          `${real} now belongs to ${ctx.owner}, but it is a symlink whose target was left alone (${target.reason}), so reading through it is still denied; fix the target's owner by hand`,
          true,
        );
      }
    }
    for (const path of changed) {
      const wrong = await notOwned(path, owner);
      if (wrong) return fail(wrong);
    }
    return ok(
      `${changed.join(' and ')} now belong${changed.length > 1 ? '' : 's'} to ${ctx.owner} (${owner.uid}:${owner.gid})`,
    );
  },
};

/** Only root may give a file to another user: say so plainly instead of a bare EPERM. */
async function giveAway(change: () => Promise<void>, path: string, owner: string): Promise<TryResult | null> {
  try {
    await change();
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EPERM') throw err;
    const uid = process.getuid?.();
    return fail(
      `cannot give ${path} to ${owner}: the monitor runs as uid ${uid ?? '?'} and only root may change a file's owner; run the monitor as root or run chown by hand`,
      true,
    );
  }
}

/** Both paths are checked as themselves: the first may be the link, the second is a real path already. */
async function notOwned(path: string, owner: Owner): Promise<string | null> {
  const s = await lstat(path);
  return s.uid === owner.uid && s.gid === owner.gid ? null : `${path} still belongs to ${s.uid}:${s.gid} after chown`;
}
