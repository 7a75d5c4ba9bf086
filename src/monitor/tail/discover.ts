// Which files the configured paths and globs name right now, each once by device + inode (a symlink is followed:
// the file is its target, the source name stays the link's path). Problems are returned, not thrown.
import { glob, stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { identityOf } from './identity.ts';
import type { Identity } from './identity.ts';

export interface Pattern {
  /** As configured, for messages. */
  raw: string;
  abs: string;
  glob: boolean;
}

export interface Found {
  id: Identity;
  /** The path it was found under. */
  source: string;
  size: number;
}

export interface Problem {
  /** What the problem is about (a path or a pattern): one report per subject and condition. */
  subject: string;
  condition: string;
  message: string;
}

export const GLOB_CHARS = /[*?[\]{}]/;
// Rotated archives are not text to tail: a glob like app.log* must not read app.log.2.gz as lines.
const COMPRESSED = /\.(gz|bz2|xz|zst|lz4|zip|7z)$/i;

export function toPatterns(files: readonly string[], cwd: string): Pattern[] {
  return files.map((raw) => {
    const abs = isAbsolute(raw) ? raw : resolve(cwd, raw);
    return { raw, abs, glob: GLOB_CHARS.test(raw) };
  });
}

export async function discover(
  patterns: readonly Pattern[],
): Promise<{ found: Map<string, Found>; problems: Problem[] }> {
  const found = new Map<string, Found>();
  const problems: Problem[] = [];
  for (const pattern of patterns) {
    let paths: string[];
    if (pattern.glob) {
      try {
        paths = [];
        for await (const path of glob(pattern.abs)) if (!COMPRESSED.test(path)) paths.push(resolve(path));
        paths.sort();
      } catch (err) {
        problems.push({
          subject: pattern.raw,
          condition: codeOf(err),
          message: `cannot list the files of ${pattern.raw}: ${(err as Error).message}`,
        });
        continue;
      }
      if (paths.length === 0) {
        problems.push({
          subject: pattern.raw,
          condition: 'no-match',
          message: `no file matches ${pattern.raw} yet; it is looked for again`,
        });
        continue;
      }
    } else {
      paths = [pattern.abs];
    }
    for (const path of paths) {
      try {
        const st = await stat(path, { bigint: true });
        if (!st.isFile()) {
          problems.push({
            subject: path,
            condition: 'not-file',
            message: `${path} is not a regular file; only files can be tailed`,
          });
          continue;
        }
        const id = identityOf(st);
        if (!found.has(id.key)) found.set(id.key, { id, source: path, size: Number(st.size) });
      } catch (err) {
        const code = codeOf(err);
        // A file that a glob listed and that went away since is rotation at work, not a problem.
        if (code === 'ENOENT' && pattern.glob) continue;
        const message =
          code === 'ENOENT'
            ? `${path} does not exist yet; it is looked for again`
            : code === 'EACCES'
              ? `cannot read ${path}: permission denied; give the service's user read access`
              : `cannot read ${path}: ${(err as Error).message}`;
        problems.push({ subject: path, condition: code, message });
      }
    }
  }
  return { found, problems };
}

export function codeOf(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : 'error';
}
