// Turns one validated rule of the YAML file into its compiled form, collecting every problem (with the key it is
// about) instead of stopping at the first, so that one run of `centinela rules test` shows all there is to fix.
import { actionPlan } from './actions.ts';
import type { Alternative, CompiledRule, Condition, Problem, TemplatePart } from './compiled.ts';
import { USER_TEXT_FIELDS } from './record.ts';
import { compileAnchored, slashRegex } from './regex.ts';
import type { RawAlternative, RawRule } from './schema.ts';

/** Fields a target falls back to, in this order, when the rule sets no template; else the rule id. */
export const DEFAULT_TARGET_FIELDS = ['path', 'job_id', 'container', 'video', 'model'] as const;

export function compileAlternatives(
  raw: readonly RawAlternative[],
  where: string,
  defines: ReadonlyMap<string, string>,
  problems: Problem[],
): Alternative[] {
  const out: Alternative[] = [];
  for (const [i, alt] of raw.entries()) {
    const at = [where, i];
    const groups = new Set<string>();
    const regexOf = (body: string | undefined, flags: string, path: Array<string | number>): RegExp | null | false => {
      if (body === undefined) return null;
      const c = compileAnchored(body, flags, defines);
      if (!c.ok) {
        problems.push({ path, message: c.problem });
        return false;
      }
      for (const g of c.groups) groups.add(g);
      return c.re;
    };
    const source = regexOf(alt.source, '', [...at, 'source']);
    const regex = regexOf(alt.regex, '', [...at, 'regex']);
    const exact: Condition[] = [];
    const patterns: Condition[] = [];
    let bad = source === false || regex === false;
    for (const [key, value] of Object.entries(alt.fields ?? {})) {
      const path = key.split('.');
      const userText = userTextIn(path);
      if (userText) {
        problems.push({
          path: [...at, 'fields', key],
          message: `"${userText}" carries what users typed; rules never look at it (match on msg, error or err.* instead)`,
        });
        bad = true;
        continue;
      }
      const slash = typeof value === 'string' ? slashRegex(value) : null;
      if (slash) {
        const re = regexOf(slash.body, slash.flags, [...at, 'fields', key]);
        if (re) patterns.push({ key, path, values: null, regex: re });
        else bad = true;
      } else {
        const values = new Set((Array.isArray(value) ? value : [value]).map(String));
        exact.push({ key, path, values, regex: null });
      }
    }
    if (bad) continue;
    // Equality first: a level or component check rejects most records before any regex runs.
    out.push({ source: source || null, conditions: [...exact, ...patterns], regex: regex || null, groups });
  }
  return out;
}

export function compileRule(
  raw: RawRule,
  defines: ReadonlyMap<string, string>,
): { rule: CompiledRule | null; problems: Problem[] } {
  const problems: Problem[] = [];
  const match = compileAlternatives(raw.match, 'match', defines, problems);
  const ignore = compileAlternatives(raw.ignore, 'ignore', defines, problems);

  const capture: Array<readonly [string, readonly string[]]> = [];
  for (const [name, key] of Object.entries(raw.capture)) {
    const path = key.split('.');
    const userText = userTextIn(path);
    if (userText)
      problems.push({
        path: ['capture', name],
        message: `"${userText}" carries what users typed; rules never capture it`,
      });
    else capture.push([name, path]);
  }
  const captured = new Set([...capture.map(([n]) => n), ...match.flatMap((a) => [...a.groups])]);
  // A field is certain when every alternative yields it: by a named group, or (JSON-only alternatives) by capture.
  const certain = (name: string): boolean =>
    match.length === raw.match.length &&
    match.every((a) => a.groups.has(name) || (a.conditions.length > 0 && capture.some(([n]) => n === name)));

  let target: TemplatePart[] | null = null;
  if (raw.target !== undefined) {
    target = parseTemplate(raw.target);
    for (const part of target) {
      if ('field' in part && !captured.has(part.field)) {
        problems.push({
          path: ['target'],
          message: `{${part.field}} is never captured; capture it (a named group or capture:) or change the template`,
        });
      }
    }
  }

  let action = null;
  if (raw.action) {
    const planned = actionPlan(raw.action, certain);
    problems.push(...planned.problems);
    action = planned.plan;
  }

  if (raw.samples.match.length === 0) {
    problems.push({
      path: [],
      message:
        'has no positive sample: add samples.match with at least one log line this rule must match (and the fields it must yield)',
    });
  }
  if (problems.length > 0) return { rule: null, problems };
  return {
    problems,
    rule: {
      id: raw.id,
      description: raw.description,
      errorType: raw.error_type ?? raw.id,
      severity: raw.severity,
      notify: raw.notify ?? (action ? 'on_failure' : 'always'),
      action,
      samples: { match: raw.samples.match, noMatch: raw.samples.no_match },
      match,
      ignore,
      capture,
      target,
    },
  };
}

/** The user-text field a path goes through, if any. Inside err (pino's error object) every field is error data. */
function userTextIn(path: readonly string[]): string | undefined {
  return path[0] === 'err' ? undefined : path.find((p) => USER_TEXT_FIELDS.has(p));
}

/** 'quarantine:{path}' → literal and field parts. */
function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const m of template.matchAll(/\{([a-z][a-z0-9_]*)\}/g)) {
    if (m.index > last) parts.push({ text: template.slice(last, m.index) });
    parts.push({ field: m[1] as string });
    last = m.index + m[0].length;
  }
  if (last < template.length) parts.push({ text: template.slice(last) });
  return parts;
}
