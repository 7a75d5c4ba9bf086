// Partial downloads (issue 10.5): written under the parts folder (paths.data), never in the creator's folder, and
// those of a process that died are removed at the next start.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanOrphanParts, downloadFile } from '../../../../src/pipeline/intake/store-file/index.ts';
import { tempDir } from '../../../support/service.ts';
import { eventually } from '../../../support/stores.ts';

let server: Server | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(null));
  server = null;
});

describe('partial downloads', () => {
  it('are written in the parts folder while they arrive, not in the destination folder', async () => {
    // Half the body, then nothing: a download cut off by a crash looks like this on disk.
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-length': String(2 * 1024 * 1024) });
      res.write(Buffer.alloc(1024 * 1024, 1));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const root = tempDir('parts-');
    const media = join(root, 'media', 'victor');
    const parts = join(root, 'data', 'parts');
    const stop = new AbortController();
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/file`;
    const download = downloadFile({
      url,
      toDir: media,
      name: 'clip.mp4',
      maxBytes: 10 * 1024 * 1024,
      signal: stop.signal,
      partDir: parts,
    });
    download.catch(() => {});
    await eventually(() => existsSync(parts) && readdirSync(parts).length === 1, 'a part in the parts folder');
    expect(readdirSync(parts)[0]).toBe(`${process.pid}-clip.mp4.part`);
    expect(readdirSync(media)).toEqual([]);
    stop.abort();
    await expect(download).rejects.toThrow(/aborted/);
    expect(readdirSync(parts)).toEqual([]);
  });

  it('left by a process that is gone are removed; those of running processes stay', async () => {
    const parts = tempDir('orphans-');
    mkdirSync(parts, { recursive: true });
    writeFileSync(join(parts, '999999999-dead.mp4.part'), 'x'); // no such pid
    writeFileSync(join(parts, `${process.pid}-mine.mp4.part`), 'x');
    writeFileSync(join(parts, `${process.ppid}-parent.mp4.part`), 'x');
    expect(await cleanOrphanParts(parts)).toEqual(['999999999-dead.mp4.part']);
    expect(readdirSync(parts).sort()).toEqual(
      [`${process.pid}-mine.mp4.part`, `${process.ppid}-parent.mp4.part`].sort(),
    );
  });
});
