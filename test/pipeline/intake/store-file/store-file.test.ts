// store-file: media names, the Bot API path remap, free space, the local copy and the checked download, with a
// real disk (and a tiny tmpfs for "disk full") and a real HTTP server on loopback.
import { createHash, randomFillSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  StoreFileError,
  checkRoom,
  copyLocalFile,
  downloadFile,
  mediaName,
  remapPath,
} from '../../../../src/pipeline/intake/store-file/index.ts';
import { measureLocalCopy } from '../../../support/copy-bench.ts';
import { REPO, tempDir } from '../../../support/service.ts';
import { runOnTinyDisk } from '../../../support/tiny-disk.ts';

const MB = 1024 ** 2;
const TOKEN = '123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0';
const never = (): AbortSignal => new AbortController().signal;
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** The error a promise rejects with; fails the test when it resolves. */
async function failure(p: Promise<unknown>): Promise<StoreFileError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(StoreFileError);
    return err as StoreFileError;
  }
  throw new Error('expected a StoreFileError, but it succeeded');
}

function randomFile(path: string, bytes: number): Buffer {
  const data = randomFillSync(Buffer.allocUnsafe(bytes));
  writeFileSync(path, data);
  return data;
}

describe('mediaName', () => {
  test('is YYYYMMDD_HHMMSS_<6 hex>.<ext> in local time', () => {
    const name = mediaName(new Date(2025, 0, 2, 3, 4, 5), 'mp4');
    expect(name).toMatch(/^20250102_030405_[0-9a-f]{6}\.mp4$/);
    expect(mediaName(new Date(2025, 11, 31, 23, 59, 58), 'mov')).toMatch(/^20251231_235958_[0-9a-f]{6}\.mov$/);
  });

  test('extensions: lower-cased, [a-z0-9]{1,8}, else bin', () => {
    const ext = (e: string): string =>
      mediaName(new Date(2025, 5, 6), e)
        .split('.')
        .slice(1)
        .join('.');
    expect(ext('MP4')).toBe('mp4');
    expect(ext('.mov')).toBe('mov');
    expect(ext('mkv2')).toBe('mkv2');
    expect(ext('12345678')).toBe('12345678');
    expect(ext('123456789')).toBe('bin');
    expect(ext('')).toBe('bin');
    expect(ext('mp-4')).toBe('bin');
    expect(ext('../x')).toBe('bin');
    expect(ext('tar.gz')).toBe('bin');
    expect(ext('móv')).toBe('bin');
  });

  test('the random part differs from name to name', () => {
    const now = new Date();
    const names = new Set(Array.from({ length: 50 }, () => mediaName(now, 'mp4')));
    expect(names.size).toBeGreaterThan(45);
  });
});

describe('remapPath', () => {
  const remap = { from: '/var/lib/telegram-bot-api', to: '/srv/tba' };

  test('replaces a whole-segment prefix', () => {
    expect(remapPath(`/var/lib/telegram-bot-api/${TOKEN}/videos/file_1.mp4`, remap)).toBe(
      `/srv/tba/${TOKEN}/videos/file_1.mp4`,
    );
    expect(remapPath('/var/lib/telegram-bot-api', remap)).toBe('/srv/tba');
  });

  test('trailing slashes on from and to do not matter', () => {
    expect(remapPath('/var/lib/telegram-bot-api/a.mp4', { from: '/var/lib/telegram-bot-api/', to: '/srv/tba/' })).toBe(
      '/srv/tba/a.mp4',
    );
  });

  test('a prefix that is not a whole segment is not remapped', () => {
    expect(remapPath('/var/lib/telegram-bot-api2/a.mp4', remap)).toBe('/var/lib/telegram-bot-api2/a.mp4');
    expect(remapPath('/other/a.mp4', remap)).toBe('/other/a.mp4');
  });

  test('an empty from leaves the path as it is', () => {
    expect(remapPath('/var/lib/telegram-bot-api/a.mp4', { from: '', to: '/srv/tba' })).toBe(
      '/var/lib/telegram-bot-api/a.mp4',
    );
  });

  test('from "/" puts to in front of every path', () => {
    expect(remapPath('/data/a.mp4', { from: '/', to: '/mnt/host' })).toBe('/mnt/host/data/a.mp4');
  });

  test('doubled slashes and "." segments are tidied', () => {
    expect(remapPath('/var/lib/telegram-bot-api//x/./a.mp4', remap)).toBe('/srv/tba/x/a.mp4');
  });

  test('rejects a result that is not absolute', () => {
    expect(() =>
      remapPath('/var/lib/telegram-bot-api/a.mp4', { from: '/var/lib/telegram-bot-api', to: 'relative/dir' }),
    ).toThrow(/not an absolute path.*local_path_remap/);
    expect(() => remapPath('videos/a.mp4', { from: '', to: '' })).toThrow(/not an absolute path/);
  });

  test('rejects ".." segments, before and after the remap', () => {
    expect(() => remapPath('/var/lib/telegram-bot-api/../../etc/passwd', remap)).toThrow(/"\.\."/);
    expect(() => remapPath('/a/../b', { from: '', to: '' })).toThrow(/"\.\."/);
    expect(() =>
      remapPath('/var/lib/telegram-bot-api/a.mp4', { from: '/var/lib/telegram-bot-api', to: '/srv/../etc' }),
    ).toThrow(/"\.\."/);
    // ".." inside a name is not a segment
    expect(remapPath('/var/lib/telegram-bot-api/a..b.mp4', remap)).toBe('/srv/tba/a..b.mp4');
  });
});

describe('checkRoom', () => {
  test('reports the free space statfs reports, and whether the file fits above the critical free space', async () => {
    const dir = tempDir('centinela-room-');
    try {
      const fs = statfsSync(dir);
      const expected = fs.bavail * fs.bsize;
      const room = await checkRoom(dir, 0, 0);
      expect(room.ok).toBe(true);
      // Other processes write to the same disk: allow some drift.
      expect(Math.abs(room.free - expected)).toBeLessThan(256 * MB);

      expect((await checkRoom(dir, room.free + 64 * MB * 1024, 0)).ok).toBe(false);
      expect((await checkRoom(dir, 0, room.free + 64 * MB * 1024)).ok).toBe(false);
      expect((await checkRoom(dir, MB, 2 * MB)).ok).toBe(room.free > 3 * MB + 256 * MB);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a folder that does not exist yet is measured on its nearest existing ancestor', async () => {
    const dir = tempDir('centinela-room-');
    try {
      const room = await checkRoom(join(dir, 'a', 'b', 'c'), 0, 0);
      const fs = statfsSync(dir);
      expect(Math.abs(room.free - fs.bavail * fs.bsize)).toBeLessThan(256 * MB);
      expect(existsSync(join(dir, 'a'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('copyLocalFile', () => {
  let root: string;
  beforeAll(() => {
    root = tempDir('centinela-copy-');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test('copies a multi-MB file with its SHA-256, through .part, keeping the source', async () => {
    const src = join(root, 'server', 'file_1.mp4');
    mkdirSync(join(root, 'server'), { recursive: true });
    const data = randomFile(src, 9 * MB + 12345);
    const toDir = join(root, 'media', 'creator-a'); // created on the way
    const stored = await copyLocalFile({ from: src, toDir, name: 'v.mp4', maxBytes: 2 * 1024 ** 3, signal: never() });
    expect(stored).toEqual({ path: join(toDir, 'v.mp4'), sha256: sha256(data), size: data.length });
    expect(sha256(readFileSync(stored.path))).toBe(sha256(data));
    expect(readdirSync(toDir)).toEqual(['v.mp4']);
    expect(existsSync(src)).toBe(true);
  });

  test('deletes the source only when asked', async () => {
    const src = join(root, 'to-delete.mp4');
    const data = randomFile(src, 3 * MB);
    const toDir = join(root, 'deleted');
    const stored = await copyLocalFile({
      from: src,
      toDir,
      name: 'v.mp4',
      maxBytes: 10 * MB,
      signal: never(),
      deleteSource: true,
    });
    expect(stored.sha256).toBe(sha256(data));
    expect(stored.sourceDeleteError).toBeUndefined();
    expect(existsSync(src)).toBe(false);
    expect(readdirSync(toDir)).toEqual(['v.mp4']);
  });

  test('an empty file is copied too', async () => {
    const src = join(root, 'empty.bin');
    writeFileSync(src, '');
    const stored = await copyLocalFile({
      from: src,
      toDir: join(root, 'empty'),
      name: 'e.bin',
      maxBytes: MB,
      signal: never(),
    });
    expect(stored).toMatchObject({ size: 0, sha256: sha256(Buffer.alloc(0)) });
  });

  test('a missing source: a clear error, nothing written', async () => {
    const toDir = join(root, 'missing-out');
    const from = join(root, TOKEN, 'videos', 'file_9.mp4');
    const err = await failure(copyLocalFile({ from, toDir, name: 'v.mp4', maxBytes: MB, signal: never() }));
    expect(err.code).toBe('missing');
    expect(err.message).toMatch(
      /the Bot API server's file is missing at .*file_9\.mp4: check telegram\.local_path_remap/,
    );
    expect(err.message).not.toContain(TOKEN); // the server's folder is named after the bot token
    expect(existsSync(toDir)).toBe(false);
  });

  test('a folder instead of a file: a clear error', async () => {
    const err = await failure(
      copyLocalFile({ from: root, toDir: join(root, 'dir-out'), name: 'v.mp4', maxBytes: MB, signal: never() }),
    );
    expect(err.code).toBe('missing');
    expect(err.message).toMatch(/not a regular file/);
  });

  test('a source over maxBytes: a clear error before copying, nothing written', async () => {
    const src = join(root, 'big.mp4');
    randomFile(src, 2 * MB + 1);
    const toDir = join(root, 'big-out');
    const err = await failure(
      copyLocalFile({
        from: src,
        toDir,
        name: 'v.mp4',
        maxBytes: 2 * MB,
        limitName: 'intake.max_bytes.video',
        signal: never(),
      }),
    );
    expect(err.code).toBe('too_big');
    expect(err.message).toContain(`is ${2 * MB + 1} bytes, over intake.max_bytes.video (2m)`);
    expect(existsSync(toDir)).toBe(false);
    expect(existsSync(src)).toBe(true);
  });

  test('no room above the critical free space: refused before writing', async () => {
    const src = join(root, 'room.mp4');
    randomFile(src, MB);
    const toDir = join(root, 'room-out');
    const err = await failure(
      copyLocalFile({
        from: src,
        toDir,
        name: 'v.mp4',
        maxBytes: 2 * MB,
        signal: never(),
        criticalFreeBytes: Number.MAX_SAFE_INTEGER,
      }),
    );
    expect(err.code).toBe('no_room');
    expect(err.message).toMatch(/disk\.critical_free/);
    expect(existsSync(toDir)).toBe(false);
  });

  test('aborting mid-copy removes the .part file', async () => {
    const src = join(root, 'sparse-200m.bin');
    const fh = await open(src, 'w');
    await fh.truncate(200 * MB);
    await fh.close();
    const toDir = join(root, 'abort-out');
    const controller = new AbortController();
    const progress: number[] = [];
    const err = await failure(
      copyLocalFile({
        from: src,
        toDir,
        name: 'v.mp4',
        maxBytes: 2 * 1024 ** 3,
        signal: controller.signal,
        onProgress: (bytes, total) => {
          progress.push(bytes);
          expect(total).toBe(200 * MB);
          controller.abort();
        },
      }),
    );
    expect(err.code).toBe('aborted');
    expect(progress).toHaveLength(1);
    expect(progress[0]).toBeGreaterThanOrEqual(64 * MB);
    expect(readdirSync(toDir)).toEqual([]);
    expect(existsSync(src)).toBe(true);
  });

  test('an already aborted signal copies nothing', async () => {
    const src = join(root, 'pre-abort.bin');
    randomFile(src, MB);
    const err = await failure(
      copyLocalFile({
        from: src,
        toDir: join(root, 'pre-abort'),
        name: 'v',
        maxBytes: 2 * MB,
        signal: AbortSignal.abort(),
      }),
    );
    expect(err.code).toBe('aborted');
    expect(existsSync(join(root, 'pre-abort'))).toBe(false);
  });

  test('progress comes at most every 64 MB', async () => {
    const src = join(root, 'sparse-150m.bin');
    const fh = await open(src, 'w');
    await fh.truncate(150 * MB);
    await fh.close();
    const progress: number[] = [];
    const stored = await copyLocalFile({
      from: src,
      toDir: join(root, 'progress'),
      name: 'v.bin',
      maxBytes: 2 * 1024 ** 3,
      signal: never(),
      onProgress: (bytes) => progress.push(bytes),
    });
    expect(stored.size).toBe(150 * MB);
    expect(progress).toEqual([64 * MB, 128 * MB]);
    rmSync(stored.path);
  });

  test('a progress callback that throws stops the copy, and its error comes back as it was', async () => {
    const src = join(root, 'sparse-100m.bin');
    const fh = await open(src, 'w');
    await fh.truncate(100 * MB);
    await fh.close();
    const toDir = join(root, 'progress-throws');
    const lost = new Error('lease lost');
    await expect(
      copyLocalFile({
        from: src,
        toDir,
        name: 'v.bin',
        maxBytes: 2 * 1024 ** 3,
        signal: never(),
        onProgress: () => {
          throw lost;
        },
      }),
    ).rejects.toBe(lost);
    expect(readdirSync(toDir)).toEqual([]);
  });

  test('a name with a folder in it is refused', async () => {
    await expect(
      copyLocalFile({ from: '/etc/hostname', toDir: root, name: '../x', maxBytes: MB, signal: never() }),
    ).rejects.toThrow(/not a plain file name/);
  });
});

describe('downloadFile', () => {
  let root: string;
  let server: Server;
  let base: string;
  const body = randomFillSync(Buffer.allocUnsafe(3 * MB + 777));
  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    '/ok.mp4': (_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': body.length });
      res.end(body);
    },
    '/chunked.pdf': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/pdf' }); // no content-length: chunked
      res.write(body.subarray(0, MB));
      setTimeout(() => res.end(body.subarray(MB)), 20);
    },
    '/missing.mp4': (_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"ok":false,"error_code":404,"description":"Not Found"}');
    },
    '/short.mp4': (_req, res) => {
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, 512 * 1024), () => setTimeout(() => res.socket?.destroy(), 50));
    },
    '/huge.mp4': (_req, res) => {
      res.writeHead(200, { 'content-length': 50 * MB });
      res.write(body.subarray(0, 64 * 1024)); // then nothing: the client must not wait for the rest
    },
    '/stall.mp4': (_req, res) => {
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, 256 * 1024)); // and then silence
    },
  };

  beforeAll(async () => {
    root = tempDir('centinela-download-');
    server = createServer((req, res) => {
      const path = (req.url ?? '').replace(`/file/bot${TOKEN}/videos`, '');
      const route = routes[path];
      if (route) route(req, res);
      else res.writeHead(500).end();
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/file/bot${TOKEN}/videos`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((ok) => server.close(() => ok()));
    rmSync(root, { recursive: true, force: true });
  });

  test('200: stored with the SHA-256 of the body', async () => {
    const toDir = join(root, 'ok');
    const stored = await downloadFile({
      url: `${base}/ok.mp4`,
      toDir,
      name: 'f.mp4',
      maxBytes: 20 * MB,
      expectedSize: body.length,
      signal: never(),
    });
    expect(stored).toEqual({ path: join(toDir, 'f.mp4'), sha256: sha256(body), size: body.length });
    expect(sha256(readFileSync(stored.path))).toBe(sha256(body));
    expect(readdirSync(toDir)).toEqual(['f.mp4']);
  });

  test('a chunked body without content-length is stored too', async () => {
    const toDir = join(root, 'chunked');
    const stored = await downloadFile({
      url: `${base}/chunked.pdf`,
      toDir,
      name: 'f.pdf',
      maxBytes: 20 * MB,
      signal: never(),
    });
    expect(stored.sha256).toBe(sha256(body));
    expect(stored.size).toBe(body.length);
  });

  test('404: an http error that names the status and not the URL or the token', async () => {
    const toDir = join(root, 'missing');
    const err = await failure(
      downloadFile({ url: `${base}/missing.mp4`, toDir, name: 'f.mp4', maxBytes: 20 * MB, signal: never() }),
    );
    expect(err.code).toBe('http');
    expect(err.status).toBe(404);
    expect(err.message).toMatch(/^the Bot API file download answered 404/);
    for (const secret of [TOKEN, base, '127.0.0.1', 'missing.mp4']) expect(err.message).not.toContain(secret);
    expect(JSON.stringify(err)).not.toContain(TOKEN);
    expect(String(err.stack)).not.toContain(TOKEN);
    expect(existsSync(join(toDir, 'f.mp4.part'))).toBe(false);
    expect(existsSync(join(toDir, 'f.mp4'))).toBe(false);
  });

  test('a body cut short (socket destroyed): truncated, no .part left', async () => {
    const toDir = join(root, 'short');
    const err = await failure(
      downloadFile({ url: `${base}/short.mp4`, toDir, name: 'f.mp4', maxBytes: 20 * MB, signal: never() }),
    );
    expect(err.code).toBe('truncated');
    expect(err.message).not.toContain(TOKEN);
    expect(readdirSync(toDir)).toEqual([]);
  });

  test('content-length over maxBytes: too_big, nothing written', async () => {
    const toDir = join(root, 'huge');
    const err = await failure(
      downloadFile({
        url: `${base}/huge.mp4`,
        toDir,
        name: 'f.mp4',
        maxBytes: 20 * MB,
        limitName: 'intake.max_bytes.photo',
        signal: never(),
      }),
    );
    expect(err.code).toBe('too_big');
    expect(err.message).toContain(`${50 * MB} bytes, over intake.max_bytes.photo (20m)`);
    expect(existsSync(toDir)).toBe(false);
  });

  test('a chunked body that grows over maxBytes: too_big, no .part left', async () => {
    const toDir = join(root, 'chunked-big');
    const err = await failure(
      downloadFile({ url: `${base}/chunked.pdf`, toDir, name: 'f.pdf', maxBytes: 2 * MB, signal: never() }),
    );
    expect(err.code).toBe('too_big');
    expect(readdirSync(toDir)).toEqual([]);
  });

  test('a size other than the one Telegram announced is an error', async () => {
    const toDir = join(root, 'mismatch');
    const err = await failure(
      downloadFile({
        url: `${base}/ok.mp4`,
        toDir,
        name: 'f.mp4',
        maxBytes: 20 * MB,
        expectedSize: body.length + 1,
        signal: never(),
      }),
    );
    expect(err.code).toBe('truncated');
    expect(existsSync(toDir)).toBe(false);
  });

  test('a file_size over maxBytes is refused without asking the server', async () => {
    const err = await failure(
      downloadFile({
        url: `${base}/nothing-here`,
        toDir: join(root, 'x'),
        name: 'f',
        maxBytes: MB,
        expectedSize: 2 * MB,
        signal: never(),
      }),
    );
    expect(err.code).toBe('too_big');
  });

  test('aborting mid-body removes the .part file', async () => {
    const toDir = join(root, 'abort');
    const controller = new AbortController();
    const p = downloadFile({
      url: `${base}/stall.mp4`,
      toDir,
      name: 'f.mp4',
      maxBytes: 20 * MB,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 200);
    const err = await failure(p);
    expect(err.code).toBe('aborted');
    expect(readdirSync(toDir)).toEqual([]);
  });

  test('a stalled body times out: an http error, no .part left', async () => {
    const toDir = join(root, 'timeout');
    const err = await failure(
      downloadFile({
        url: `${base}/stall.mp4`,
        toDir,
        name: 'f.mp4',
        maxBytes: 20 * MB,
        signal: never(),
        timeoutMs: 300,
      }),
    );
    expect(err.code).toBe('http');
    expect(err.message).toMatch(/did not finish within/);
    expect(readdirSync(toDir)).toEqual([]);
  });

  test('an unreachable server: an http error without the URL', async () => {
    const closed = createServer();
    await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((ok) => closed.close(() => ok()));
    const err = await failure(
      downloadFile({
        url: `http://127.0.0.1:${port}/file/bot${TOKEN}/x.mp4`,
        toDir: join(root, 'down'),
        name: 'f',
        maxBytes: MB,
        signal: never(),
      }),
    );
    expect(err.code).toBe('http');
    expect(err.message).not.toContain(TOKEN);
    expect(err.message).not.toContain(String(port));
  });
});

describe('a full disk', () => {
  test('copy and download fail with io (ENOSPC) and leave no .part', async () => {
    const dir = tempDir('centinela-storefull-');
    const srcDir = tempDir('centinela-storefull-src-');
    try {
      const source = join(srcDir, 'video.mp4');
      randomFile(source, 3 * MB);
      const {
        code,
        stdout: out,
        stderr: err,
      } = await runOnTinyDisk('1m', dir, join(REPO, 'test/support/store-file-disk-full-child.ts'), [source]);
      expect(code, `unshare + child failed (user namespaces may be disabled)\nstderr:\n${err}\nstdout:\n${out}`).toBe(
        0,
      );
      const line = out.split('\n').find((l) => l.startsWith('{"probe":"store-file-disk-full"'));
      expect(line, `the child reports\nstderr:\n${err}`).toBeDefined();
      const report = JSON.parse(line ?? '{}') as {
        fsBytes: number;
        copy: Record<string, unknown>;
        download: Record<string, unknown>;
      };
      expect(report.fsBytes).toBe(MB); // it really was the tiny tmpfs
      for (const result of [report.copy, report.download]) {
        expect(result).toMatchObject({ code: 'io', systemCode: 'ENOSPC', left: [] });
        expect(result.message).toMatch(/disk is full/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(srcDir, { recursive: true, force: true });
    }
  });
});

describe('the copy benchmark helper', () => {
  test('measures both copies and cleans up', async () => {
    const dir = tempDir('centinela-copybench-');
    try {
      const figures = await measureLocalCopy(16 * MB, dir, 1);
      expect(figures.copyMs).toBeGreaterThan(0);
      expect(figures.cpMs).toBeGreaterThan(0);
      expect(figures.ratio).toBeCloseTo(figures.cpMs / figures.copyMs);
      expect(figures.peakRssMb).toBeGreaterThan(10);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
