// Local-mode copy against `cp`: the figure the intake benchmark reports. Both copy the same file on the same disk
// with the source in the page cache (each runs once untimed first), alternating over a few rounds. Right before
// every timed copy the previous copies are deleted and `sync` runs, so neither pays for the other's writeback and
// both start from the same memory state. copyLocalFile runs in a child process (loaded before that preparation,
// started after it) so its peak memory (VmHWM) is its own.
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CHILD = join(import.meta.dirname, 'copy-bench-child.ts');
const CHUNK = 4 * 1024 ** 2;

export interface LocalCopyFigures {
  /** copyLocalFile (read, SHA-256, write, fsync, rename), median over the rounds. */
  copyMs: number;
  /** `cp` followed by an fsync of the copy: the same durability as copyLocalFile. Median. */
  cpMs: number;
  /** Throughput of copyLocalFile relative to cp + fsync: cpMs / copyMs. */
  ratio: number;
  /** Highest VmHWM of the copying child process, in MiB. */
  peakRssMb: number;
  /** `cp` alone (the copy may still be only in the page cache). Median. */
  cpNoSyncMs: number;
  /** cpNoSyncMs / copyMs. */
  ratioNoSync: number;
  /** Fastest copyLocalFile and fastest cp + fsync, and their ratio: on a noisy machine (a VM whose memory the host
   * reclaims, other load) the best run shows what each can do when nothing interferes. */
  copyBestMs: number;
  cpBestMs: number;
  ratioBest: number;
  rounds: number;
}

/** Rounds: timed runs of each (after one untimed); figures are medians unless named otherwise. */
export async function measureLocalCopy(sizeBytes: number, dir: string, rounds = 3): Promise<LocalCopyFigures> {
  const tag = randomBytes(4).toString('hex');
  const src = join(dir, `copy-bench-${tag}.src`);
  const cpDst = join(dir, `copy-bench-${tag}.cp`);
  const outName = `copy-bench-${tag}.out`;
  const outPath = join(dir, outName);
  try {
    const expected = await writeTestFile(src, sizeBytes);

    const settle = async (): Promise<void> => {
      await rm(cpDst, { force: true });
      await rm(outPath, { force: true });
      await run('sync');
    };
    const timeCp = async (): Promise<{ ms: number; noSyncMs: number }> => {
      await settle();
      const t0 = performance.now();
      await run('cp', [src, cpDst]);
      const t1 = performance.now();
      const fh = await open(cpDst, 'r');
      await fh.sync();
      await fh.close();
      const t2 = performance.now();
      return { ms: t2 - t0, noSyncMs: t1 - t0 };
    };
    const timeCopy = async (): Promise<{ ms: number; hwmKb: number }> => {
      const r = await runChild(src, dir, outName, settle);
      if (r.sha256 !== expected || r.size !== sizeBytes) {
        throw new Error(
          `copyLocalFile stored ${r.size} bytes with sha256 ${r.sha256}; the source has ${sizeBytes} bytes, ${expected}`,
        );
      }
      return r;
    };
    // Warm-up, untimed: both read the source once.
    await timeCp();
    await timeCopy();

    const cps: number[] = [];
    const cpNoSyncs: number[] = [];
    const copies: number[] = [];
    let hwmKb = 0;
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? ['cp', 'copy'] : ['copy', 'cp'];
      for (const which of order) {
        if (which === 'cp') {
          const t = await timeCp();
          cps.push(t.ms);
          cpNoSyncs.push(t.noSyncMs);
        } else {
          const t = await timeCopy();
          copies.push(t.ms);
          hwmKb = Math.max(hwmKb, t.hwmKb);
        }
      }
    }
    const copyMs = median(copies);
    const cpMs = median(cps);
    const cpNoSyncMs = median(cpNoSyncs);
    const copyBestMs = Math.min(...copies);
    const cpBestMs = Math.min(...cps);
    return {
      copyMs,
      cpMs,
      ratio: cpMs / copyMs,
      peakRssMb: hwmKb / 1024,
      cpNoSyncMs,
      ratioNoSync: cpNoSyncMs / copyMs,
      copyBestMs,
      cpBestMs,
      ratioBest: cpBestMs / copyBestMs,
      rounds,
    };
  } finally {
    await Promise.all([src, cpDst, outPath, `${outPath}.part`].map((p) => rm(p, { force: true })));
  }
}

/** Writes sizeBytes of incompressible, non-repeating data (not sparse) and returns its SHA-256. */
async function writeTestFile(path: string, sizeBytes: number): Promise<string> {
  const pool = randomFillSync(Buffer.allocUnsafe(Math.min(64 * 1024 ** 2, Math.max(2 * CHUNK, sizeBytes))));
  const hash = createHash('sha256');
  const fh = await open(path, 'w');
  try {
    let written = 0;
    for (let i = 0; written < sizeBytes; i++) {
      const n = Math.min(CHUNK, sizeBytes - written);
      // A different window of the random pool for each chunk, stamped with its number: no two chunks alike.
      const start = (i * 7_340_033) % (pool.length - n + 1);
      const chunk = Buffer.from(pool.subarray(start, start + n));
      if (n >= 8) chunk.writeBigUInt64LE(BigInt(i), 0);
      hash.update(chunk);
      let done = 0;
      while (done < n) done += (await fh.write(chunk, done, n - done, written + done)).bytesWritten;
      written += n;
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
  return hash.digest('hex');
}

function runChild(
  from: string,
  toDir: string,
  name: string,
  beforeStart: () => Promise<void>,
): Promise<{ ms: number; hwmKb: number; sha256: string; size: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, from, toDir, name], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let started = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!started && out.startsWith('ready\n')) {
        started = true;
        beforeStart().then(
          () => child.stdin.write('go\n'),
          (e: unknown) => {
            child.kill();
            reject(e instanceof Error ? e : new Error(String(e)));
          },
        );
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`copy-bench-child exited ${code}: ${err.trim()}`));
      try {
        const r = JSON.parse(out.trim().split('\n').pop() ?? '') as {
          ms: number;
          hwmKb: number | null;
          sha256: string;
          size: number;
        };
        resolve({ ms: r.ms, hwmKb: r.hwmKb ?? 0, sha256: r.sha256, size: r.size });
      } catch {
        reject(new Error(`copy-bench-child printed no result: ${out.trim()} ${err.trim()}`));
      }
    });
  });
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
