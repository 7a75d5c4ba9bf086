// Shared by the benchmarks: figures, process sampling, child processes.
import { readFileSync } from 'node:fs';
import { createLog } from '../src/core/log.ts';
import type { Logger } from '../src/core/log.ts';

export function figure(name: string, value: number, unit: string): void {
  const v = Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 3 : 1);
  process.stdout.write(`figure ${name}=${v} ${unit}\n`);
}

export function note(text: string): void {
  process.stdout.write(`# ${text}\n`);
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user+system) a process has used, from /proc. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** The value below which a `fraction` (0.95) of the values lie: the nearest rank. NaN for no values. */
export function percentile(values: number[], fraction: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(s.length * fraction) - 1))] ?? NaN;
}

/** A log that writes only errors, to stderr: a benchmark's stdout carries its figures (a child's, its messages). */
export async function quietLog(): Promise<Logger> {
  const { root } = await createLog({
    level: 'error',
    dir: null,
    stdout: false,
    rotate: { size: 2 ** 20, keep: 1 },
    stdoutStream: process.stderr,
  });
  return root;
}
