// The tailer against a separate writer process that writes 100,000 numbered lines and rotates the file five times
// while the tailer runs: by rename (rotated names outside and inside the glob) and by copy-truncate (the copy
// inside the glob). Every line must be seen exactly once.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Tailer } from '../src/monitor/tail/index.ts';
import { REPO, cleanEnv, tempDir } from './support/service.ts';
import { createTestStore, eventually, quietLog } from './support/stores.ts';
import type { TestStore } from './support/stores.ts';

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
    const proc = spawn(process.execPath, [WRITER], { env: cleanEnv({ LOG_WRITER: JSON.stringify(options) }), stdio: ['ignore', 'pipe', 'inherit'] });
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
  ] as const)('%s five times, tailing %s: every line exactly once', async (mode, pattern) => {
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
    expect(await runWriter({ dir, mode, lines: LINES, rotations: 5, keep: 3, linesPerSecond: 25_000 })).toBe(`done ${LINES}`);
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
  }, 120_000);
});
