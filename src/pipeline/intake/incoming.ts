// <data>/incoming/<day>/: where every file that is not a creator's video is kept once received (Telegram, the
// inbox folder, HTTP uploads), and the one rule for its name there.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/** <data>/incoming/YYYY-MM-DD, the UTC day of `at`. */
export function incomingDir(dataDir: string, at: number = Date.now()): string {
  return join(dataDir, 'incoming', new Date(at).toISOString().slice(0, 10));
}

/** `<prefix>_<safe name>`; the prefix (a row id, or by default the time and 6 random hex digits) keeps names apart. */
export function incomingFileName(name: string, prefix = `${Date.now()}_${randomBytes(3).toString('hex')}`): string {
  return `${prefix}_${safeName(name)}`;
}

/** A sender's file name as a file name of ours: no folders, no leading dots, letters, digits, `._ -` only, 120 at most. */
export function safeName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? 'file';
  const clean = base
    .replace(/[^\p{L}\p{N}._ -]/gu, '_')
    .replace(/^\.+/, '_')
    .slice(-120);
  return clean || 'file';
}
