// Child process for test/core/log.test.ts ("disk full"): logs into a folder that the test mounts as a tiny tmpfs,
// writes far more than fits, and must keep running and keep writing to stdout. Usage: node THIS DIR
import { readFileSync, readdirSync, statfsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createLog } from '../../src/core/log.ts';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: log-disk-full-child.ts DIR\n');
  process.exit(2);
}

const fs = statfsSync(dir);
const log = await createLog({ level: 'info', dir, stdout: true, rotate: { size: 10 * 2 ** 20, keep: 2 } });
const out = log.for('disk-full-test');
const pad = 'x'.repeat(150);
for (let i = 0; i < 5000; i++) {
  out.info({ i, pad }, 'filler');
  // Let the asynchronous writes run, so the file really hits ENOSPC while we go on logging.
  if (i % 100 === 99) await new Promise((r) => setImmediate(r));
}
out.info('survived');
const problem = log.fileProblem();
await log.close();
let fileBytes = 0;
for (const name of readdirSync(dir))
  if (/^centinela\.\d+\.log$/.test(name)) fileBytes += statSync(join(dir, name)).size;
let fileLastLine = '';
try {
  fileLastLine = readFileSync(join(dir, 'centinela.log'), 'utf8').trimEnd().split('\n').pop() ?? '';
} catch {
  // nothing readable: reported as empty
}
process.stdout.write(
  `${JSON.stringify({ probe: 'disk-full', fsBytes: fs.blocks * fs.bsize, fileBytes, problem, fileLastLine: fileLastLine.slice(0, 300) })}\n`,
);
process.stdout.write('survived\n');
process.exit(0);
