// A probe's verdict from its last measurement: nothing new for max_age (probe_stale), too small a share of another
// probe's count (probe_ratio), or a measurement that failed (probe_failed). One result per probe per run.
import type { ProbeConfig } from '../../../core/config.ts';
import type { CheckResult } from '../../types.ts';
import { formatAge, healthy, problem } from '../result.ts';
import type { ProbeSnapshot } from './types.ts';

export interface Verdict {
  probe: ProbeConfig;
  maxAgeMs: number | null;
  snapshot: ProbeSnapshot;
  /** The probe named by min_ratio_of, measured in the same run. */
  of: ProbeSnapshot | null;
  /** When this process first measured the probe: the age of a probe that never saw anything. */
  since: number;
  now: number;
}

export function verdict(v: Verdict): CheckResult {
  const { probe, snapshot: s } = v;
  const fields = { probe: probe.name, stage: probe.stage, count: s.count === null ? '' : String(s.count) };
  const base = { rule: 'probe', severity: probe.severity, target: probe.name } as const;
  const label = probe.stage ? `probe ${probe.name} (${probe.stage})` : `probe ${probe.name}`;
  if (s.error !== null) {
    return problem({ ...base, errorType: 'probe_failed', message: `${label} could not measure: ${s.error}`, fields });
  }
  if (v.maxAgeMs !== null) {
    const age = v.now - (s.newestAt ?? v.since);
    if (age > v.maxAgeMs) {
      const what = s.newestAt === null ? 'nothing seen yet' : `nothing new for ${formatAge(age)}`;
      return problem({
        ...base,
        errorType: 'probe_stale',
        message: `${label}: ${what} (max_age ${formatAge(v.maxAgeMs)}); count ${s.count}`,
        fields: { ...fields, newest_at: s.newestAt === null ? '' : new Date(s.newestAt).toISOString() },
      });
    }
  }
  const of = v.of;
  if (of && of.error === null && of.count !== null && of.count > 0 && s.count !== null) {
    const ratio = s.count / of.count;
    if (ratio < probe.min_ratio) {
      return problem({
        ...base,
        errorType: 'probe_ratio',
        message: `${label}: ${s.count} is ${Math.floor(ratio * 100)}% of ${of.name} (${of.count}), under min_ratio ${Math.round(probe.min_ratio * 100)}%`,
        fields: { ...fields, ratio: ratio.toFixed(3), of: of.name, of_count: String(of.count) },
      });
    }
  }
  return healthy('probe', probe.name);
}
