// Builders for what a check returns, so every check fills a Finding the same way (notify follows the action).
import type { ActionPlan, CheckResult, Finding, Severity } from '../types.ts';

export interface ProblemInput {
  rule: string;
  errorType: string;
  severity: Severity;
  target: string;
  message: string;
  fields?: Record<string, string>;
  action?: ActionPlan | null;
}

/** A problem: admins hear of it only if its repair fails when one is attached, else always. */
export function problem(p: ProblemInput): CheckResult {
  const action = p.action ?? null;
  const finding: Finding = {
    rule: p.rule,
    errorType: p.errorType,
    severity: p.severity,
    target: p.target,
    message: p.message,
    fields: p.fields ?? {},
    action,
    notify: action ? 'on_failure' : 'always',
  };
  return { ok: false, finding };
}

/** Healthy: resolves the open incident of rule + target, if any. */
export function healthy(rule: string, target: string): CheckResult {
  return { ok: true, rule, target };
}

/** One repair attempt; the action's own budget decides whether to try again later. */
export function once(type: string, params: ActionPlan['params']): ActionPlan {
  return { type, params, attempts: 1, backoffMs: [] };
}

/** 1.5 GiB, 512 MiB, 12 KiB: sizes for a person (binary units, as disks are sized). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** 45s, 12m, 3h 5m, 2d 4h: ages for a person. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}

/** The code of a failed fetch or socket call (ECONNREFUSED, ENOENT, TimeoutError), without any URL. */
export function causeOf(err: unknown): string {
  const e = err as { cause?: { code?: string }; code?: string; name?: string };
  return e.cause?.code ?? e.code ?? e.name ?? 'error';
}
