// The log tailer on real files in temp folders and a real store: partial lines, multi-line records, cut lines,
// first sight, truncation, deletion, JSON, restarts (SQLite and PostgreSQL), symlinks repointed like pino-roll's,
// chokidar's signals, and problems logged once.
import {
  appendFileSync,
  chmodSync,
  copyFileSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLog } from '../../../src/core/log.ts';
import type { Logger } from '../../../src/core/log.ts';
import { withTables } from '../../../src/core/store/index.ts';
import { CUT_MARK, Tailer, readRecordsFromFile } from '../../../src/monitor/tail/index.ts';
import type { TailOptions, TailTables } from '../../../src/monitor/tail/index.ts';
import type { LogRecord } from '../../../src/monitor/types.ts';
import { tempDir } from '../../support/service.ts';
import { STORE_KINDS, createTestStore, eventually, quietLog } from '../../support/stores.ts';
import type { TestStore } from '../../support/stores.ts';

interface Run {
  tailer: Tailer;
  got: LogRecord[];
  texts(): string[];
}

let t: TestStore;
let dir: string;
let log: Logger;
const running: Tailer[] = [];

function tail(files: string[], over: Partial<TailOptions> = {}): Run {
  const got: LogRecord[] = [];
  const tailer = new Tailer({
    store: t.store,
    log,
    files,
    from: 'beginning',
    maxLineBytes: 1024,
    multilineStart: /^\S/,
    onRecords: async (records) => {
      got.push(...records);
    },
    ...over,
  });
  running.push(tailer);
  return { tailer, got, texts: () => got.map((r) => r.text) };
}

async function stopAll(): Promise<void> {
  for (const tailer of running.splice(0)) await tailer.stop();
}

function setup(kind: 'sqlite' | 'postgres'): void {
  beforeEach(async () => {
    t = await createTestStore(kind);
    dir = tempDir('centinela-tail-');
    log = await quietLog();
  });
  afterEach(async () => {
    await stopAll();
    await t.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });
}

describe('reading records', () => {
  setup('sqlite');

  it('holds a last line without a newline until its newline arrives', async () => {
    const file = join(dir, 'app.log');
    writeFileSync(file, 'first\nsec');
    const run = tail([file]);
    await run.tailer.drain();
    expect(run.texts()).toEqual(['first']);
    appendFileSync(file, 'ond\nthird\n');
    await run.tailer.drain();
    expect(run.texts()).toEqual(['first', 'second', 'third']);
    expect(run.got.every((r) => r.source === file)).toBe(true);
  });

  it('joins an indented stack trace to the line that starts it, and strips \\r', async () => {
    const file = join(dir, 'app.log');
    writeFileSync(file, 'Error: boom\r\n    at f (a.js:1:2)\n    at g (b.js:3:4)\nnext line\n\n\tat orphan\nlast\n');
    const run = tail([file]);
    await run.tailer.drain();
    expect(run.texts()).toEqual([
      'Error: boom\n    at f (a.js:1:2)\n    at g (b.js:3:4)',
      'next line\n\tat orphan',
      'last',
    ]);
  });

  it('flushes a pending multi-line record after the idle time, on the injected clock, not before', async () => {
    const file = join(dir, 'app.log');
    writeFileSync(file, '');
    let clock = 1_000_000;
    const run = tail([file], { now: () => clock, pollMs: 20, idleFlushMs: 500 });
    await run.tailer.start();
    appendFileSync(file, 'Error: late\n  at a\n');
    await eventually(() => run.tailer.stats().bytes >= 19, 'the tailer read the first lines');
    appendFileSync(file, '  at b\n');
    await eventually(() => run.tailer.stats().bytes >= 26, 'the tailer read the continuation');
    expect(run.got).toEqual([]); // the clock has not moved: the record may still grow
    clock += 500;
    await eventually(() => run.got.length === 1, 'the idle record was flushed');
    expect(run.texts()).toEqual(['Error: late\n  at a\n  at b']);
  });

  it('cuts an over-long line (also one that arrives in pieces), keeps the next line intact, never splits a character', async () => {
    const file = join(dir, 'app.log');
    writeFileSync(file, `short\n${'x'.repeat(100)}\nafter\n${'y'.repeat(40)}`);
    const run = tail([file], { maxLineBytes: 16 });
    await run.tailer.drain();
    appendFileSync(file, `${'y'.repeat(40)}\na${'é'.repeat(20)}\nok\n`);
    await run.tailer.drain();
    expect(run.texts()).toEqual([
      'short',
      `${'x'.repeat(16)}${CUT_MARK}`,
      'after',
      `${'y'.repeat(16)}${CUT_MARK}`,
      `a${'é'.repeat(7)}${CUT_MARK}`,
      'ok',
    ]);
  });

  it('splits a multi-line record that would outgrow max_line_bytes, losing no line', async () => {
    const file = join(dir, 'app.log');
    const trace = ['Error: deep', ...Array.from({ length: 12 }, (_, i) => `  at frame${i}`)];
    writeFileSync(file, `${trace.join('\n')}\n`);
    const run = tail([file], { maxLineBytes: 40 });
    await run.tailer.drain();
    expect(run.got.length).toBeGreaterThan(3);
    expect(run.texts().every((text) => text.length <= 40)).toBe(true);
    expect(run.texts().join('\n')).toBe(trace.join('\n'));
  });

  it('starts at the end of a file seen first (a line being written is read whole), or at its beginning', async () => {
    const file = join(dir, 'app.log');
    writeFileSync(file, 'old 1\nold 2\npart');
    const fromEnd = tail([file], { from: 'end' });
    await fromEnd.tailer.drain();
    expect(fromEnd.texts()).toEqual([]);
    appendFileSync(file, 'ial\nnew\n');
    await fromEnd.tailer.drain();
    expect(fromEnd.texts()).toEqual(['partial', 'new']);
    await stopAll();

    const other = join(dir, 'other.log');
    writeFileSync(other, 'old 1\nold 2\n');
    const fromStart = tail([other], { from: 'beginning' });
    await fromStart.tailer.drain();
    expect(fromStart.texts()).toEqual(['old 1', 'old 2']);
  });

  it('reads a file that appears after start from its beginning, even with from: end (relative glob, own cwd)', async () => {
    const run = tail(['*.log'], { from: 'end', cwd: dir });
    await run.tailer.drain();
    writeFileSync(join(dir, 'late.log'), 'one\ntwo\n');
    await run.tailer.drain();
    expect(run.texts()).toEqual(['one', 'two']);
  });

  it('reads a truncated file from 0, whether it is shorter than before or already longer', async () => {
    const file = join(dir, 'app.log');
    writeFileSync(file, 'a1\na2\n');
    const run = tail([file]);
    await run.tailer.drain();
    truncateSync(file, 0);
    appendFileSync(file, 'b\n');
    await run.tailer.drain();
    // Replaced by longer content before the tailer looked: the fingerprint differs, so it is a new file.
    writeFileSync(file, 'c1 is a longer line\nc2\n');
    await run.tailer.drain();
    expect(run.texts()).toEqual(['a1', 'a2', 'b', 'c1 is a longer line', 'c2']);
  });

  it('reads a deleted file to its end through the open handle, then the new file at that path', async () => {
    const file = join(dir, 'app.log');
    writeFileSync(file, 'a1\n');
    const run = tail([file]);
    await run.tailer.drain();
    appendFileSync(file, 'a2\n');
    unlinkSync(file);
    writeFileSync(file, 'b1\n');
    await run.tailer.drain();
    expect(run.texts()).toEqual(['a1', 'a2', 'b1']);
    expect(run.tailer.stats().files).toBe(1);
  });

  it('copy-truncate seen in either order: the copy goes on where the original was, nothing twice, nothing lost', async () => {
    const file = join(dir, 'app.log');
    const block = (p: string): string =>
      Array.from({ length: 100 }, (_, i) => `${p} ${i} ${'z'.repeat(20)}`).join('\n') + '\n';
    writeFileSync(file, block('a'));
    const run = tail([`${file}*`]);
    await run.tailer.drain();
    // The copy is seen before the truncation: it waits, and the original's new lines are read from the original.
    appendFileSync(file, 'b1\nb2\n');
    copyFileSync(file, `${file}.1`);
    await run.tailer.drain();
    expect(run.texts().slice(100)).toEqual(['b1', 'b2']);
    truncateSync(file, 0);
    appendFileSync(file, 'c1\n');
    await run.tailer.drain();
    // The truncation is seen first, and the lines written before it are only in the copy.
    appendFileSync(file, block('d'));
    await run.tailer.drain();
    appendFileSync(file, 'e1\ne2\n');
    renameSync(`${file}.1`, `${file}.2`);
    copyFileSync(file, `${file}.1`);
    truncateSync(file, 0);
    appendFileSync(file, 'f1\n');
    await run.tailer.drain();
    await run.tailer.drain();
    const expected = [...block('a').split('\n'), 'b1', 'b2', 'c1', ...block('d').split('\n'), 'e1', 'e2', 'f1'].filter(
      Boolean,
    );
    expect([...run.texts()].sort()).toEqual(expected.sort());
  });

  it('reads a file that merely starts like another one, once it has waited long enough to be no copy', async () => {
    const same = Array.from({ length: 100 }, (_, i) => `startup line ${i}`).join('\n') + '\n';
    writeFileSync(join(dir, 'a.log'), `${same}a only\n`);
    writeFileSync(join(dir, 'b.log'), `${same}b only\n`);
    let clock = 5_000_000;
    const run = tail([join(dir, '*.log')], { now: () => clock });
    await run.tailer.drain();
    expect(run.texts()).toContain('a only');
    expect(run.texts()).not.toContain('b only');
    clock += 30_000;
    await run.tailer.drain();
    expect(run.texts().filter((x) => x === 'startup line 0')).toHaveLength(2);
    expect(run.texts()).toContain('b only');
  });

  it('calls onRecords one batch at a time, never concurrently, in order, at most 1000 records a batch', async () => {
    const file = join(dir, 'app.log');
    writeFileSync(file, '');
    let active = 0;
    let overlap = false;
    const sizes: number[] = [];
    const got: string[] = [];
    const run = tail([file], {
      pollMs: 10,
      idleFlushMs: 0,
      onRecords: async (records) => {
        if (active++ > 0) overlap = true;
        sizes.push(records.length);
        await new Promise((r) => setTimeout(r, 2));
        got.push(...records.map((r) => r.text));
        active--;
      },
    });
    await run.tailer.start();
    const expected: string[] = [];
    for (let i = 0; i < 10; i++) {
      const lines = Array.from({ length: 700 }, (_, j) => `line ${i * 700 + j}`);
      expected.push(...lines);
      appendFileSync(file, `${lines.join('\n')}\n`);
      if (i % 3 === 0) await Promise.all([run.tailer.drain(), run.tailer.drain()]);
    }
    await eventually(async () => {
      await run.tailer.drain();
      return got.length >= expected.length;
    }, 'every line delivered');
    expect(overlap).toBe(false);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1000);
    expect(got).toEqual(expected);
  });

  it('places a file by its content when it reuses the inode of a finished file (a rotated copy, then a new file)', async () => {
    const covered = join(dir, 'logs');
    const aside = join(dir, 'aside');
    mkdirSync(covered);
    mkdirSync(aside);
    const app = join(covered, 'app.log');
    const block = (p: string): string => Array.from({ length: 80 }, (_, i) => `${p} line ${i}`).join('\n') + '\n';
    writeFileSync(app, block('app'));
    const run = tail([join(covered, '*.log*')]);
    /** Deletes a read file, lets the tailer finish it (closing it frees the inode), then makes a file aside until one gets that inode. */
    const reuse = async (name: string, make: (path: string) => void): Promise<string> => {
      const victim = join(covered, name);
      writeFileSync(victim, block(name));
      await run.tailer.drain();
      const ino = statSync(victim).ino;
      unlinkSync(victim);
      await run.tailer.drain();
      for (let i = 0; ; i++) {
        const path = join(aside, `${name}.${i}`);
        make(path);
        if (statSync(path).ino === ino || i === 49) return path;
      }
    };
    // A copy-truncate whose copy lands on a reused inode: it must continue from the original's checkpoint.
    appendFileSync(app, 'unread 1\nunread 2\n');
    const copy = await reuse('gone1.log', (path) => copyFileSync(app, path));
    truncateSync(app, 0);
    appendFileSync(app, 'after truncation\n');
    renameSync(copy, `${app}.1`);
    await run.tailer.drain();
    // A new file on a reused inode: read from its start.
    const fresh = await reuse('gone2.log', (path) => writeFileSync(path, block('fresh')));
    renameSync(fresh, join(covered, 'fresh.log'));
    await run.tailer.drain();
    const texts = run.texts();
    expect(texts.filter((x) => x.startsWith('unread'))).toEqual(['unread 1', 'unread 2']);
    expect(texts.filter((x) => x.startsWith('app line'))).toHaveLength(80);
    expect(texts.filter((x) => x.startsWith('fresh line'))).toHaveLength(80);
    expect(texts).toContain('after truncation');
    expect(texts).toHaveLength(80 * 4 + 3);
  });

  it('drains a file larger than one tick reads, to its very end', async () => {
    const file = join(dir, 'big.log');
    const lines = Array.from({ length: 40_000 }, (_, i) => `${i} ${'q'.repeat(80)}`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const run = tail([file]);
    await run.tailer.drain();
    expect(run.got.length).toBe(40_000);
    expect(run.got.at(-1)?.text).toBe(lines.at(-1));
    expect(run.tailer.stats()).toEqual({ files: 1, records: 40_000, bytes: statSync(file).size });
  });

  it('parses a line that is one JSON object, and only such a line', async () => {
    const file = join(dir, 'app.log');
    const json =
      '{"ts":"2026-01-05T14:30:20.123Z","level":"ERROR","component":"bot","msg":"video failed","model":"victor"}';
    writeFileSync(file, `${json}\n[1,2]\nplain text\n{not json}\n"{}"\n`);
    const run = tail([file]);
    await run.tailer.drain();
    expect(run.got.map((r) => r.json)).toEqual([JSON.parse(json), null, null, null, null]);
    expect(run.got[0]?.text).toBe(json);
  });

  it('reads a whole file through the same reader (benchmark helper), batched by 1000', async () => {
    const file = join(dir, 'big.log');
    writeFileSync(file, Array.from({ length: 2500 }, (_, i) => `line ${i}`).join('\n')); // no newline at the end
    const batches: number[] = [];
    const texts: string[] = [];
    const result = await readRecordsFromFile(file, {
      maxLineBytes: 1024,
      multilineStart: /^\S/,
      onRecords: (r) => void (batches.push(r.length), texts.push(...r.map((x) => x.text))),
    });
    expect(result.records).toBe(2500);
    expect(batches).toEqual([1000, 1000, 500]);
    expect(texts.at(-1)).toBe('line 2499');
  });

  it('rejects bad options with the name of the option', () => {
    expect(() => tail([dir], { maxLineBytes: 2 })).toThrow(/maxLineBytes/);
    expect(() => tail([''], {})).toThrow(/files\.0.*empty path/);
  });
});

describe.each(STORE_KINDS)('checkpoints on %s', (kind) => {
  setup(kind);

  it('resumes after a restart without reading anything again', async () => {
    const file = join(dir, 'app.log');
    writeFileSync(file, Array.from({ length: 3000 }, (_, i) => `before ${i}`).join('\n') + '\n');
    const first = tail([file]);
    await first.tailer.drain();
    expect(first.got.length).toBe(3000);
    await first.tailer.stop();
    appendFileSync(file, 'after 1\nafter 2\npartial');

    const second = tail([file], { from: 'end' }); // from: end must not matter: the store knows the file
    await second.tailer.drain();
    expect(second.texts()).toEqual(['after 1', 'after 2']);
    const rows = await withTables<TailTables>(t.store).selectFrom('tail_checkpoints').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      path: file,
      state: 'live',
      fp_len: 1024,
      byte_offset: statSync(file).size - 'partial'.length,
    });
  });

  it('keeps the checkpoint when onRecords fails, retries the batch, and a restart re-delivers what was never handled', async () => {
    const file = join(dir, 'app.log');
    writeFileSync(file, 'one\ntwo\n');
    let fail = true;
    const got: string[] = [];
    const flaky = tail([file], {
      onRecords: async (records) => {
        if (fail) throw new Error('rules engine down');
        got.push(...records.map((r) => r.text));
      },
    });
    await expect(flaky.tailer.drain()).rejects.toThrow(/rules engine down/);
    await flaky.tailer.stop();
    // A new process: nothing was checkpointed, so both lines come again.
    const again = tail([file], {
      onRecords: async (records) => {
        if (fail) throw new Error('still down');
        got.push(...records.map((r) => r.text));
      },
    });
    await expect(again.tailer.drain()).rejects.toThrow(/still down/);
    fail = false;
    await again.tailer.drain();
    expect(got).toEqual(['one', 'two']);
    await again.tailer.stop();
    const third = tail([file]);
    await third.tailer.drain();
    expect(third.got).toEqual([]);
  });

  it('continues a file copy-truncated while it was stopped from its rotated copy, then the truncated file from 0', async () => {
    const file = join(dir, 'app.log');
    writeFileSync(file, Array.from({ length: 100 }, (_, i) => `seen ${i}`).join('\n') + '\n');
    const first = tail([`${file}*`]);
    await first.tailer.drain();
    await first.tailer.stop();
    appendFileSync(file, 'unseen 1\nunseen 2\n');
    writeFileSync(`${file}.1`, readFileSync(file));
    truncateSync(file, 0);
    appendFileSync(file, 'new 1\n');
    const second = tail([`${file}*`]);
    await second.tailer.drain();
    expect(second.texts().sort()).toEqual(['new 1', 'unseen 1', 'unseen 2']);
  });
});

describe('symlinks, signals and problems', () => {
  setup('sqlite');

  it('follows a symlink and, when it is repointed (pino-roll), reads the old target to its end, then the new one', async () => {
    const link = join(dir, 'centinela.log');
    writeFileSync(join(dir, 'centinela.1.log'), 'one 1\n');
    symlinkSync('centinela.1.log', link);
    const run = tail([link]);
    await run.tailer.drain();
    appendFileSync(join(dir, 'centinela.1.log'), 'one 2\none without newline');
    writeFileSync(join(dir, 'centinela.2.log'), 'two 1\n');
    symlinkSync('centinela.2.log', `${link}.tmp`);
    renameSync(`${link}.tmp`, link);
    await run.tailer.drain();
    expect(run.texts()).toEqual(['one 1', 'one 2', 'one without newline', 'two 1']);
    expect(run.got.every((r) => r.source === link)).toBe(true);
    expect(run.tailer.stats().files).toBe(1);
    appendFileSync(join(dir, 'centinela.1.log'), 'written to the old file much later\n');
    appendFileSync(join(dir, 'centinela.2.log'), 'two 2\n');
    await run.tailer.drain();
    expect(run.texts().slice(4)).toEqual(['two 2']);
  });

  it('reads every line the service logs through real pino-roll rotations exactly once', async () => {
    const logs = join(dir, 'logs');
    const service = await createLog({
      level: 'info',
      dir: logs,
      stdout: false,
      rotate: { size: 32 * 1024, keep: 100 },
    });
    const run = tail([join(logs, 'centinela.log')], { pollMs: 50 });
    await run.tailer.start();
    const total = 3000;
    // About 1,000 lines a second, a rotation every quarter second: the tailer must see each file once (see README).
    for (let i = 0; i < total; i++) {
      service.root.info({ n: i, pad: 'p'.repeat(i % 50) }, 'tick');
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 10));
    }
    await service.close();
    const numbered = readdirSync(logs).filter((name) => /^centinela\.\d+\.log$/.test(name));
    expect(numbered.length).toBeGreaterThanOrEqual(8); // it did rotate, many times
    await eventually(async () => {
      await run.tailer.drain();
      return run.got.length >= total;
    }, 'every logged line read');
    const numbers = run.got.map((r) => r.json?.n);
    expect(numbers.length).toBe(total);
    expect(new Set(numbers).size).toBe(total);
    expect(numbers.every((n) => typeof n === 'number' && n >= 0 && n < total)).toBe(true);
    expect(run.got.every((r) => r.json?.msg === 'tick' && r.source === join(logs, 'centinela.log'))).toBe(true);
  });

  it('reads on chokidar signals, long before the safety poll', async () => {
    const file = join(dir, 'app.log');
    mkdirSync(join(dir, 'more'));
    writeFileSync(file, '');
    const run = tail([file, join(dir, 'more', '*.log')], { pollMs: 600_000, idleFlushMs: 0 });
    await run.tailer.start();
    await eventually(() => run.tailer.stats().files === 0, 'the first pass');
    appendFileSync(file, 'changed\n');
    await eventually(() => run.texts().includes('changed'), 'the change was read');
    writeFileSync(join(dir, 'more', 'new.log'), 'added\n');
    await eventually(() => run.texts().includes('added'), 'the new file was read');
  });

  it('logs a missing file, an unmatched glob and a non-file once each, keeps looking, and says when they are fine', async () => {
    const lines: string[] = [];
    const captured = (
      await createLog({
        level: 'info',
        dir: null,
        stdout: false,
        rotate: { size: 2 ** 20, keep: 1 },
        stdoutStream: { write: (l: string) => void lines.push(l) },
      })
    ).root;
    const missing = join(dir, 'missing.log');
    const notFile = join(dir, 'folder.log');
    mkdirSync(notFile);
    const run = tail([missing, join(dir, 'later', '*.log'), notFile], { log: captured });
    for (let i = 0; i < 3; i++) await run.tailer.drain();
    const count = (text: string): number => lines.filter((l) => l.includes(text)).length;
    expect(count('missing.log does not exist yet')).toBe(1);
    expect(count('no file matches')).toBe(1);
    expect(count('folder.log is not a regular file')).toBe(1);
    writeFileSync(missing, 'hello\n');
    mkdirSync(join(dir, 'later'));
    writeFileSync(join(dir, 'later', 'x.log'), 'world\n');
    await run.tailer.drain();
    await run.tailer.drain();
    expect(run.texts()).toEqual(['hello', 'world']);
    expect(count('is there and readable now')).toBe(2);
    expect(count('does not exist yet')).toBe(1);
  });

  it.skipIf(process.getuid?.() === 0)('logs an unreadable file once and reads it once it is readable', async () => {
    const file = join(dir, 'secret.log');
    writeFileSync(file, 'hidden\n');
    chmodSync(file, 0o000);
    const run = tail([file]);
    await run.tailer.drain();
    await run.tailer.drain();
    expect(run.got).toEqual([]);
    chmodSync(file, 0o644);
    await run.tailer.drain();
    expect(run.texts()).toEqual(['hidden']);
  });
});
