// A probe's verdict from its last measurement: nothing new for max_age (probe_stale), grown by too small a share of
// what another probe grew by within the window (probe_ratio), or a measurement that failed (probe_failed).
import type { ProbeConfig } from '../../../core/config.ts';
import type { CheckResult } from '../../types.ts';
import { healthy, problem } from '../result.ts';
import type { ProbeSnapshot } from './types.ts';
import { formatDuration } from '../../../core/format.ts';

export interface Verdict {
  probe: ProbeConfig;
  maxAgeMs: number | null;
  snapshot: ProbeSnapshot;
  /** What this probe and the one named by min_ratio_of grew by within the window; null: nothing to compare yet. */
  ratio: { windowMs: number; growth: number; ofGrowth: number; of: string } | null;
  now: number;
}

export function verdict(v: Verdict): CheckResult {
  const { probe, snapshot: s } = v;
  const fields = {
    probe: probe.name,
    stage: probe.stage,
    count: s.count === null ? '' : String(s.count),
    unit: s.unit,
  };
  const base = { rule: 'probe', severity: probe.severity, target: probe.name } as const;
  const label = probe.stage ? `probe ${probe.name} (${probe.stage})` : `probe ${probe.name}`;
  if (s.error !== null) {
    return problem({ ...base, errorType: 'probe_failed', message: `${label} could not measure: ${s.error}`, fields });
  }
  if (v.maxAgeMs !== null) {
    const age = v.now - (s.newestAt ?? s.since);
    if (age > v.maxAgeMs) {
      const what =
        s.newestAt === null
          ? `nothing new since it was first measured ${formatDuration(age)} ago`
          : `nothing new for ${formatDuration(age)}`;
      const count = s.count === null ? '' : `; ${s.count} ${s.unit}`;
      return problem({
        ...base,
        errorType: 'probe_stale',
        message: `${label}: ${what} (max_age ${formatDuration(v.maxAgeMs)})${count}`,
        fields: { ...fields, newest_at: s.newestAt === null ? '' : new Date(s.newestAt).toISOString() },
      });
    }
  }
  const r = v.ratio;
  if (r && r.ofGrowth > 0 && r.growth / r.ofGrowth < probe.min_ratio) {
    const share = r.growth / r.ofGrowth;
    return problem({
      ...base,
      errorType: 'probe_ratio',
      message: `${label}: ${r.growth} ${s.unit} in the last ${formatDuration(r.windowMs)} against ${r.ofGrowth} of ${r.of} (${Math.floor(share * 100)}%), under min_ratio ${Math.round(probe.min_ratio * 100)}%`,
      fields: {
        ...fields,
        ratio: share.toFixed(3),
        of: r.of,
        growth: String(r.growth),
        of_growth: String(r.ofGrowth),
        window: formatDuration(r.windowMs),
      },
    });
  }
  return healthy('probe', probe.name);
}
