// Disk check: free space of each configured path against disk.warn_free and disk.critical_free. An alert clears
// only once free space is back above its threshold plus disk.clear_margin, so a disk hovering at the line does not
// flap between alert and resolved.
import type { Check, CheckResult } from '../types.ts';
import { readFreeSpace } from '../../core/free-space.ts';
import type { FreeSpace } from '../../core/free-space.ts';
import { healthy, once, problem } from './result.ts';
import { formatBinaryBytes } from '../../core/format.ts';

export type DiskLevel = 'ok' | 'warning' | 'critical';

export interface DiskThresholds {
  warnFree: number;
  criticalFree: number;
  clearMargin: number;
}

/** The level after a reading: worse at once, better only past the threshold plus the margin. */
export function nextDiskLevel(previous: DiskLevel, free: number, t: DiskThresholds): DiskLevel {
  if (free < t.criticalFree) return 'critical';
  if (previous === 'critical' && free < t.criticalFree + t.clearMargin) return 'critical';
  if (free < t.warnFree) return 'warning';
  if (previous !== 'ok' && free < t.warnFree + t.clearMargin) return 'warning';
  return 'ok';
}

export interface DiskCheckOptions extends DiskThresholds {
  paths: string[];
  intervalMs: number;
  statfs?: (path: string) => Promise<FreeSpace>;
}

export function diskCheck(o: DiskCheckOptions): Check {
  for (const [name, v] of [
    ['disk.warn_free', o.warnFree],
    ['disk.critical_free', o.criticalFree],
    ['disk.clear_margin', o.clearMargin],
  ] as const) {
    if (!Number.isFinite(v) || v < 0) throw new Error(`${name} must be a size of 0 or more (such as 2g), got ${v}`);
  }
  if (o.criticalFree > o.warnFree) {
    throw new Error(
      `disk.critical_free (${formatBinaryBytes(o.criticalFree)}) is larger than disk.warn_free (${formatBinaryBytes(o.warnFree)}): the warning must come first, so make warn_free the larger one`,
    );
  }
  const statfs = o.statfs ?? readFreeSpace;
  // Hysteresis lives here, per path, for the life of the process: a restart starts from 'ok' and re-alerts at once
  // if the disk is still low, which is what an operator wants after a restart.
  const levels = new Map<string, DiskLevel>();

  const runOne = async (path: string): Promise<CheckResult> => {
    let space: FreeSpace;
    try {
      space = await statfs(path);
    } catch (err) {
      return problem({
        rule: 'disk',
        errorType: 'disk_unreadable',
        severity: 'warning',
        target: path,
        message: `cannot read the free space of ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): check that the path exists and this user may read it`,
        fields: { path },
      });
    }
    const level = nextDiskLevel(levels.get(path) ?? 'ok', space.free, o);
    levels.set(path, level);
    if (level === 'ok') return healthy('disk', path);
    const fields = { path, free_bytes: String(space.free), size_bytes: String(space.size) };
    const have = `${path} has ${formatBinaryBytes(space.free)} free of ${formatBinaryBytes(space.size)}`;
    if (level === 'critical') {
      return problem({
        rule: 'disk',
        errorType: 'disk_critical',
        severity: 'critical',
        target: path,
        message: `${have}, under disk.critical_free (${formatBinaryBytes(o.criticalFree)}): intake pauses until space is freed`,
        fields,
        action: once('pause_intake', {
          reason: `disk ${path} has ${formatBinaryBytes(space.free)} free, under disk.critical_free`,
        }),
      });
    }
    return problem({
      rule: 'disk',
      errorType: 'disk_low',
      severity: 'warning',
      target: path,
      message: `${have}, under disk.warn_free (${formatBinaryBytes(o.warnFree)}): free some space before intake has to pause`,
      fields,
    });
  };

  return {
    id: 'disk',
    intervalMs: o.intervalMs,
    run: () => Promise.all(o.paths.map(runOne)),
  };
}
