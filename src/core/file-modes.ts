// Files and folders the service creates hold invoices, tokens, logs and videos: they are the service's own. A
// narrowed process umask makes each one private, whatever umask the shell or the unit left (022 gave a
// world-readable store); paths.group_readable lets the service's group read them instead.
import { chmodSync, statSync } from 'node:fs';

/** Permission bits the service's files and folders never have. */
function deniedBits(groupReadable: boolean): number {
  return groupReadable ? 0o027 : 0o077;
}

/** From now on this process creates files 0600 (0640) and folders 0700 (0750) at most. */
export function usePrivateModes(groupReadable: boolean): void {
  process.umask(process.umask() | deniedBits(groupReadable));
}

/**
 * Takes from existing paths (an older install's folders and database) the bits new ones no longer get; a path that
 * does not exist is skipped. Returns each path changed, with its old and new mode, for the log.
 */
export function tightenModes(paths: readonly string[], groupReadable: boolean): string[] {
  const changed: string[] = [];
  for (const path of paths) {
    let mode: number;
    try {
      mode = statSync(path).mode & 0o7777;
    } catch {
      continue;
    }
    const narrowed = mode & ~deniedBits(groupReadable);
    if (narrowed === mode) continue;
    try {
      chmodSync(path, narrowed);
      changed.push(`${path} ${mode.toString(8)} → ${narrowed.toString(8)}`);
    } catch (err) {
      // Another user's folder (a shared media mount): said in the log, not fatal.
      changed.push(
        `${path} ${mode.toString(8)} left as it is: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
  }
  return changed;
}
