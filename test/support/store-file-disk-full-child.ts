// Child process for test/pipeline/intake/store-file/store-file.test.ts ("disk full"): runs inside a user+mount namespace where DIR is a tiny
// tmpfs, stores a file bigger than it (by local copy, then by download from a loopback HTTP server) and prints
// what happened as one JSON line. Usage: node THIS SOURCE_FILE DIR
import { readFileSync, readdirSync, statfsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { StoreFileError, copyLocalFile, downloadFile } from '../../src/pipeline/intake/store-file/index.ts';

const [source, dir] = process.argv.slice(2);
if (!source || !dir) {
  process.stderr.write('usage: store-file-disk-full-child.ts SOURCE_FILE DIR\n');
  process.exit(2);
}

const describe = (err: unknown): Record<string, unknown> =>
  err instanceof StoreFileError
    ? { code: err.code, systemCode: err.systemCode, message: err.message }
    : { unexpected: String(err) };
const fs = statfsSync(dir);
const signal = new AbortController().signal;

let copy: Record<string, unknown> = { stored: true };
try {
  await copyLocalFile({ from: source, toDir: join(dir, 'copy'), name: 'video.mp4', maxBytes: 1024 ** 3, signal });
} catch (err) {
  copy = describe(err);
}
copy.left = readdirSync(join(dir, 'copy'));

const body = readFileSync(source);
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-length': body.length });
  res.end(body);
});
await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
const port = (server.address() as AddressInfo).port;
let download: Record<string, unknown> = { stored: true };
try {
  await downloadFile({
    url: `http://127.0.0.1:${port}/file/bot1/x`,
    toDir: join(dir, 'download'),
    name: 'doc.pdf',
    maxBytes: 1024 ** 3,
    signal,
  });
} catch (err) {
  download = describe(err);
}
download.left = readdirSync(join(dir, 'download'));
server.close();

process.stdout.write(
  `${JSON.stringify({ probe: 'store-file-disk-full', fsBytes: fs.blocks * fs.bsize, copy, download })}\n`,
);
process.exit(0);
