// monitor.owner as numbers for fs.chown: 'uid:gid' as given, or a user name looked up in /etc/passwd (read as a
// file: no shell, no `id` command).
import { readFile } from 'node:fs/promises';

export interface Owner {
  uid: number;
  gid: number;
}

export async function resolveOwner(owner: string, passwdFile = '/etc/passwd'): Promise<Owner> {
  const numeric = /^(\d+):(\d+)$/.exec(owner);
  if (numeric) return { uid: Number(numeric[1]), gid: Number(numeric[2]) };
  if (!/^[a-z_][a-z0-9_-]*$/.test(owner))
    throw new Error(`monitor.owner ${JSON.stringify(owner)} is neither uid:gid (1000:1000) nor a user name`);
  let text: string;
  try {
    text = await readFile(passwdFile, 'utf8');
  } catch (err) {
    throw new Error(
      `cannot read ${passwdFile} to find user ${owner} (${(err as Error).message}); set monitor.owner as uid:gid instead`,
      { cause: err },
    );
  }
  for (const line of text.split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name === owner && uid && gid && /^\d+$/.test(uid) && /^\d+$/.test(gid))
      return { uid: Number(uid), gid: Number(gid) };
  }
  throw new Error(`user ${owner} (monitor.owner) is not in ${passwdFile}; set monitor.owner as uid:gid instead`);
}
