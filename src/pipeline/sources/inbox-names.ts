// Names in the inbox's archive/ and rejected/ folders: a file name that is already taken there gets a time prefix,
// and the result must still fit the file system's 255-byte limit (a 250-character name dropped twice made every
// rescan fail with ENAMETOOLONG).

const MAX_NAME_BYTES = 255;

/** `prefix + name`, with the middle of the name's base cut (extension kept) so that it fits in 255 bytes. */
export function fitName(prefix: string, name: string): string {
  const whole = `${prefix}${name}`;
  if (Buffer.byteLength(whole) <= MAX_NAME_BYTES) return whole;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  let base = [...name.slice(0, name.length - ext.length)]; // by code point: never cut a character in two
  const room = MAX_NAME_BYTES - Buffer.byteLength(`${prefix}…${ext}`);
  while (base.length > 0 && Buffer.byteLength(base.join('')) > room) base = base.slice(0, -1);
  return `${prefix}${base.join('')}…${ext}`;
}
