// Names for stored media and the mapping of the Bot API server's file paths to ours.
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `YYYYMMDD_HHMMSS_<6 hex>.<ext>` in the machine's local time; an extension that is not [a-z0-9]{1,8} becomes bin. */
export function mediaName(now: Date, ext: string): string {
  const lower = ext.replace(/^\./, '').toLowerCase();
  const safeExt = /^[a-z0-9]{1,8}$/.test(lower) ? lower : 'bin';
  const date = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}`;
  const time = `${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  return `${date}_${time}_${randomBytes(3).toString('hex')}.${safeExt}`;
}

export interface PathRemap {
  from: string;
  to: string;
}

/**
 * The Bot API server's path as this process sees it: a path that starts with `from` (as whole segments:
 * /srv/tba matches /srv/tba/x, not /srv/tba2/x) gets `to` in its place; other paths and an empty `from` leave it
 * as it is. Throws when the result is not absolute or has `..` segments.
 */
export function remapPath(serverPath: string, remap: PathRemap): string {
  let result = serverPath;
  if (remap.from !== '') {
    const from = remap.from.replace(/\/+$/, ''); // '' when from is '/'
    const to = remap.to.replace(/\/+$/, '');
    if (from === '' || serverPath === from || serverPath.startsWith(`${from}/`)) {
      const rest = serverPath.slice(from.length); // '' or '/…'
      result = `${to}${rest}` || '/';
    }
  }
  if (result.includes('\0'))
    throw new Error('the Bot API server gave a file path with a NUL character; refusing to read it');
  if (!posix.isAbsolute(result)) {
    throw new Error(
      `the Bot API server's file path maps to "${result}", which is not an absolute path: set telegram.local_path_remap.to to an absolute folder`,
    );
  }
  if (result.split('/').includes('..')) {
    throw new Error(
      `the Bot API server's file path maps to "${result}", which climbs out of its folder with "..": refusing to read it`,
    );
  }
  return posix.normalize(result);
}
