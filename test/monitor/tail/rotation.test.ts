// The tailer against a separate writer process that writes 100,000 numbered lines and rotates the file five times
// while the tailer runs: by rename (rotated names outside and inside the glob) and by copy-truncate (the copy
// inside the glob). Every line must be seen exactly once.
import { spawn } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import pino from 'pino';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Tailer } from '../../../src/monitor/tail/index.ts';
import { REPO, cleanEnv, tempDir } from '../../support/service.ts';
import { createTestStore, eventually, quietLog } from '../../support/stores.ts';
import type { TestStore } from '../../support/stores.ts';

const WRITER = join(REPO, 'test/support/log-writer.ts');
const LINES = 100_000;
const LINE = /^(\d{7}) INFO worker (abcdefghij)*$/;

interface WriterOptions {
  dir: string;
  mode: 'rename' | 'copytruncate';
  lines: number;
  rotations: number;
  keep: number;
  linesPerSecond: number;
}

function runWriter(options: WriterOptions): Promise<string> {
  return new Promise((ok, fail) => {
    const proc = spawn(process.execPath, [WRITER], {
      env: cleanEnv({ LOG_WRITER: JSON.stringify(options) }),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('exit', (code) => (code === 0 ? ok(out.trim()) : fail(new Error(`the log writer exited with ${code}`))));
  });
}

describe('rotation while a writer process writes 100,000 lines', () => {
  let t: TestStore;
  let dir: string;
  let tailer: Tailer | null = null;

  beforeEach(async () => {
    t = await createTestStore('sqlite');
    dir = tempDir('centinela-rotate-');
  });
  afterEach(async () => {
    await tailer?.stop();
    tailer = null;
    await t.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['rename', 'app.log'],
    ['rename', 'app.log*'],
    ['copytruncate', 'app.log*'],
    // A plain path: the copy (app.log.1) is found beside it by identity (issue 11.11).
    ['copytruncate', 'app.log'],
  ] as const)(
    '%s five times, tailing %s: every line exactly once',
    async (mode, pattern) => {
      const seen = new Map<number, number>();
      let total = 0;
      let malformed = 0;
      tailer = new Tailer({
        store: t.store,
        log: await quietLog(),
        files: [join(dir, pattern)],
        from: 'beginning',
        maxLineBytes: 4096,
        multilineStart: /^\S/,
        pollMs: 50,
        idleFlushMs: 50,
        onRecords: async (records) => {
          for (const r of records) {
            total++;
            const m = LINE.exec(r.text);
            if (!m) {
              malformed++;
              continue;
            }
            const n = Number(m[1]);
            seen.set(n, (seen.get(n) ?? 0) + 1);
          }
        },
      });
      await tailer.start();
      expect(await runWriter({ dir, mode, lines: LINES, rotations: 5, keep: 3, linesPerSecond: 25_000 })).toBe(
        `done ${LINES}`,
      );
      const current = tailer;
      await eventually(
        async () => {
          await current.drain();
          return total >= LINES;
        },
        'every line delivered',
        60_000,
      );
      await current.drain(); // nothing more may come
      expect(malformed).toBe(0);
      expect(total).toBe(LINES);
      expect(seen.size).toBe(LINES);
      expect([...seen.values()].every((c) => c === 1)).toBe(true);
      expect(Math.min(...seen.keys())).toBe(1);
      expect(Math.max(...seen.keys())).toBe(LINES);
    },
    120_000,
  );

  it('copy-truncate of a plain path with lines not yet read: they are read from the copy found by identity; with no copy a WARN says lines may be lost (issue 11.11)', async () => {
    const file = join(dir, 'app.log');
    const lines = (from: number, n: number): string =>
      Array.from({ length: n }, (_, i) => `${String(from + i).padStart(7, '0')} INFO worker abcdefghij\n`).join('');
    const seen: number[] = [];
    const make = async (): Promise<Tailer> =>
      new Tailer({
        store: t.store,
        log: await quietLog(),
        files: [file],
        from: 'beginning',
        maxLineBytes: 4096,
        multilineStart: /^\S/,
        onRecords: async (records) => {
          for (const r of records) seen.push(Number(r.text.slice(0, 7)));
        },
      });
    writeFileSync(file, lines(1, 1000));
    tailer = await make();
    await tailer.drain();
    appendFileSync(file, lines(1001, 1000)); // written, not read yet
    await tailer.drain(); // the tailer sees the size (as a tick would), reads it all
    appendFileSync(file, lines(2001, 1000));
    // logrotate copytruncate: copy, then truncate in place; the writer goes on.
    copyFileSync(file, `${file}.1`);
    truncateSync(file, 0);
    appendFileSync(file, lines(3001, 10));
    await tailer.drain();
    const want = Array.from({ length: 3010 }, (_, i) => i + 1);
    expect(want.filter((n) => !seen.includes(n)).slice(0, 5), `missing; seen ${seen.length}`).toEqual([]);
    expect([...seen].sort((a, b) => a - b)).toEqual(want);
    expect(tailer.lostBytes).toBe(0);

    // No copy beside it (compressed at once, or deleted): the possible loss is a WARN, not silence.
    const warnings: string[] = [];
    const lost = join(dir, 'lost');
    mkdirSync(lost);
    const other = join(lost, 'app.log');
    writeFileSync(other, lines(1, 500));
    const second = new Tailer({
      store: t.store,
      log: pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) }),
      files: [other],
      from: 'beginning',
      maxLineBytes: 4096,
      multilineStart: /^\S/,
      onRecords: async () => {},
    });
    try {
      await second.drain();
      appendFileSync(other, lines(501, 100));
      truncateSync(other, 0);
      appendFileSync(other, lines(1, 1));
      await second.drain();
      expect(warnings.join('')).toMatch(/log lines may have been lost: .*app.log was truncated/);
      expect(second.losses).toBe(1); // counted for the metric centinela_tail_losses_total
    } finally {
      await second.stop();
    }
  });

  it('copy-truncate of a plain path while the service was down: the lines past the checkpoint are read from the copy (issue 11.11)', async () => {
    const file = join(dir, 'app.log');
    const lines = (from: number, n: number): string =>
      Array.from({ length: n }, (_, i) => `${String(from + i).padStart(7, '0')} INFO worker abcdefghij\n`).join('');
    const seen: number[] = [];
    const make = async (): Promise<Tailer> =>
      new Tailer({
        store: t.store,
        log: await quietLog(),
        files: [file],
        from: 'beginning',
        maxLineBytes: 4096,
        multilineStart: /^\S/,
        onRecords: async (records) => {
          for (const r of records) seen.push(Number(r.text.slice(0, 7)));
        },
      });
    writeFileSync(file, lines(1, 1000));
    const first = await make();
    await first.drain();
    await first.stop();
    appendFileSync(file, lines(1001, 1000)); // written while the service is down
    copyFileSync(file, `${file}.1`);
    truncateSync(file, 0);
    appendFileSync(file, lines(2001, 10));
    // Rotated once more while down: the copy's name changed, its first bytes did not.
    renameSync(`${file}.1`, `${file}.2`);
    tailer = await make();
    await tailer.drain();
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 2010 }, (_, i) => i + 1));
  });

  it('copy-truncate under a glob, the copy half written when listed and whole when taken up: it is not taken for truncated and read again', async () => {
    // The tick lists app.log.1 half copied, then finds app.log truncated and takes the (by then whole) copy up from
    // the old offset. The listing's older, shorter size of the copy must not read as a truncation of it.
    const file = join(dir, 'app.log');
    const lines = (from: number, n: number): string =>
      Array.from({ length: n }, (_, i) => `${String(from + i).padStart(7, '0')} INFO worker abcdefghij\n`).join('');
    const content = lines(1, 1000);
    const half = content.length / 2;
    const seen: number[] = [];
    writeFileSync(file, content);
    writeFileSync(`${file}.side`, lines(5001, 10));
    tailer = new Tailer({
      store: t.store,
      log: await quietLog(),
      files: [join(dir, 'app.log*')],
      from: 'beginning',
      maxLineBytes: 4096,
      multilineStart: /^\S/,
      onRecords: async (records) => {
        for (const r of records) seen.push(Number(r.text.slice(0, 7)));
        // The side file's last lines are delivered just before app.log's truncation is handled: the copy ends now.
        if (records.some((r) => r.text.startsWith('0006001'))) appendFileSync(`${file}.1`, content.slice(half));
      },
    });
    await tailer.drain();
    renameSync(`${file}.side`, join(dir, 'side.old')); // out of the glob: drained first in the next tick
    appendFileSync(join(dir, 'side.old'), lines(6001, 10));
    writeFileSync(`${file}.1`, content.slice(0, half)); // the copy, half written
    truncateSync(file, 0);
    appendFileSync(file, lines(2001, 5));
    await tailer.drain();
    const want = [
      ...Array.from({ length: 1000 }, (_, i) => i + 1),
      2001,
      2002,
      2003,
      2004,
      2005,
      ...Array.from({ length: 10 }, (_, i) => 5001 + i),
      ...Array.from({ length: 10 }, (_, i) => 6001 + i),
    ];
    expect([...seen].sort((a, b) => a - b)).toEqual(want);
  });
});
