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

/** The code of a failed fetch or socket call (ECONNREFUSED, ENOENT, TimeoutError), without any URL. */
export function causeOf(err: unknown): string {
  const e = err as { cause?: { code?: string }; code?: string; name?: string };
  return e.cause?.code ?? e.code ?? e.name ?? 'error';
}
