// Child process of test/support/copy-bench.ts: one copyLocalFile, timed from inside, with this process's peak
// memory (VmHWM) read at the end. Usage: node THIS FROM TODIR NAME. Prints one JSON line.
import { readFileSync } from 'node:fs';
import { copyLocalFile } from '../../src/pipeline/intake/store-file/index.ts';

const [from, toDir, name] = process.argv.slice(2);
if (!from || !toDir || !name) {
  process.stderr.write('usage: copy-bench-child.ts FROM TODIR NAME\n');
  process.exit(2);
}
const started = performance.now();
const stored = await copyLocalFile({ from, toDir, name, maxBytes: Number.MAX_SAFE_INTEGER, signal: new AbortController().signal });
const ms = performance.now() - started;
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
process.stdout.write(`${JSON.stringify({ ms, sha256: stored.sha256, size: stored.size, path: stored.path, hwmKb: hwm ? Number(hwm[1]) : null })}\n`);
