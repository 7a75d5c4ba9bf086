// Child process of test/support/copy-bench.ts: one copyLocalFile, timed from inside, with this process's peak
// memory (VmHWM) read at the end. It prints "ready" once loaded and starts when a line arrives on stdin, so the
// parent can prepare the disk right before the copy, as it does for cp. Usage: node THIS FROM TODIR NAME.
// Prints one JSON line.
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { copyLocalFile } from '../../src/pipeline/intake/store-file/index.ts';

const [from, toDir, name] = process.argv.slice(2);
if (!from || !toDir || !name) {
  process.stderr.write('usage: copy-bench-child.ts FROM TODIR NAME\n');
  process.exit(2);
}
process.stdout.write('ready\n');
await once(process.stdin, 'data');
process.stdin.pause();
const started = performance.now();
const stored = await copyLocalFile({
  from,
  toDir,
  name,
  maxBytes: Number.MAX_SAFE_INTEGER,
  signal: new AbortController().signal,
});
const ms = performance.now() - started;
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
process.stdout.write(
  `${JSON.stringify({ ms, sha256: stored.sha256, size: stored.size, path: stored.path, hwmKb: hwm ? Number(hwm[1]) : null })}\n`,
);
process.exit(0);
