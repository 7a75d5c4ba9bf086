// Runs a script with a folder that is a tiny tmpfs, to fill the disk for real. A user+mount namespace makes it
// work as root or not, and the mount vanishes with the process. The shell line is fixed test code.
import { spawn, spawnSync } from 'node:child_process';

export interface TinyDiskRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Mounts a `size` tmpfs (e.g. '64k', '1m') on `dir`, then runs `node script ...args dir`. */
export async function runOnTinyDisk(
  size: string,
  dir: string,
  script: string,
  args: string[] = [],
): Promise<TinyDiskRun> {
  const probe = spawnSync('unshare', ['--version'], { encoding: 'utf8' });
  if (probe.error) {
    throw new Error(
      `this test needs \`unshare\` to mount a tiny tmpfs in a private namespace, and it is not available (${probe.error.message}); install util-linux (apt-get install util-linux)`,
    );
  }
  const child = spawn(
    'unshare',
    [
      '-Urm',
      'sh',
      '-c',
      `mount -t tmpfs -o size=${size} tmpfs "$1" && shift && exec "$@"`,
      'sh',
      dir,
      process.execPath,
      script,
      ...args,
      dir,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  return { code, stdout, stderr };
}
