// The hot path: every log record of every tailed file goes through RuleSet.match. A record that matches nothing
// allocates nothing here (regex exec returns null, field reads walk existing objects); a Finding is built only
// for the first rule that matches and that no ignore pattern stops.
import { redactText } from '../../core/log.ts';
import { getPath } from '../../core/object-path.ts';
import type { Finding, LogRecord } from '../types.ts';
import { DEFAULT_TARGET_FIELDS } from './compile.ts';
import type { Alternative, CompiledRule, Rule } from './compiled.ts';
import { VIEW_PATHS, inView, levelRank, meetsLevel, messageOf } from './record.ts';
import type { MinLevel } from './record.ts';

export interface RuleSet {
  readonly rules: readonly Rule[];
  /** The finding of the first rule (in file order) that matches, or null; ignore patterns always win. */
  match(record: LogRecord): Finding | null;
}

const NO_GROUPS: readonly RegExpExecArray[] = [];

export class CompiledRuleSet implements RuleSet {
  readonly rules: readonly CompiledRule[];
  readonly source: string;
  readonly #ignore: readonly Alternative[];
  readonly #minRank: number;

  constructor(rules: readonly CompiledRule[], ignore: readonly Alternative[], minLevel: MinLevel, source: string) {
    this.rules = rules;
    this.#ignore = ignore;
    this.#minRank = levelRank(minLevel);
    this.source = source;
  }

  match(record: LogRecord): Finding | null {
    const levelOk = meetsLevel(record, this.#minRank);
    for (const rule of this.rules) {
      const found = firstMatch(rule.match, record, levelOk);
      if (found === null) continue;
      // A rule's own ignore stops only that rule; a later rule may still take the record.
      if (rule.ignore.length > 0 && firstMatch(rule.ignore, record, true) !== null) continue;
      if (this.#ignore.length > 0 && firstMatch(this.#ignore, record, true) !== null) return null;
      return finding(rule, record, found);
    }
    return null;
  }
}

/**
 * The source of every regex the rules try on record text (defines expanded, anchored as ^(?:…)), for tools that
 * need the patterns outside the matcher, such as a grep comparison in a benchmark.
 */
export function regexSources(set: RuleSet): string[] {
  if (!(set instanceof CompiledRuleSet)) return [];
  return set.rules.flatMap((r) => r.match.flatMap((a) => (a.regex ? [a.regex.source] : [])));
}

/** The regex matches (those with named groups) of the first alternative that matches, or null. */
function firstMatch(
  alternatives: readonly Alternative[],
  record: LogRecord,
  levelOk: boolean,
): readonly RegExpExecArray[] | null {
  for (const alt of alternatives) {
    const found = matchAlternative(alt, record, levelOk);
    if (found !== null) return found;
  }
  return null;
}

function matchAlternative(alt: Alternative, record: LogRecord, levelOk: boolean): readonly RegExpExecArray[] | null {
  const json = record.json;
  let found: RegExpExecArray[] | null = null;
  if (alt.conditions.length > 0) {
    if (json === null) return null;
    for (const c of alt.conditions) {
      const v = getPath(json, c.path);
      if (c.values !== null) {
        if (typeof v === 'string') {
          if (!c.values.has(v)) return null;
        } else if (typeof v === 'number' || typeof v === 'boolean') {
          if (!c.values.has(String(v))) return null;
        } else return null;
      } else {
        if (typeof v !== 'string' && typeof v !== 'number') return null;
        const m = (c.regex as RegExp).exec(typeof v === 'string' ? v : String(v));
        if (m === null) return null;
        if (m.groups) (found ??= []).push(m);
      }
    }
  } else if (!levelOk) return null; // a bare regex looks only at records of min_level and above (or with no level)
  if (alt.source !== null) {
    const m = alt.source.exec(record.source);
    if (m === null) return null;
    if (m.groups) (found ??= []).push(m);
  }
  if (alt.regex !== null) {
    const m = json === null ? alt.regex.exec(record.text) : execView(alt.regex, json);
    if (m === null) return null;
    if (m.groups) (found ??= []).push(m);
  }
  return found ?? NO_GROUPS;
}

/** The regex against each field of the text view in turn; the first that matches. */
function execView(regex: RegExp, json: Record<string, unknown>): RegExpExecArray | null {
  for (const path of VIEW_PATHS) {
    if (!inView(json, path)) continue;
    const v = getPath(json, path);
    if (typeof v !== 'string') continue;
    const m = regex.exec(v);
    if (m !== null) return m;
  }
  return null;
}

function finding(rule: CompiledRule, record: LogRecord, found: readonly RegExpExecArray[]): Finding {
  const fields: Record<string, string> = {};
  if (record.json !== null) {
    for (const [name, path] of rule.capture) {
      const v = getPath(record.json, path);
      if (typeof v === 'string' ? v !== '' : typeof v === 'number' || typeof v === 'boolean')
        fields[name] = redactText(String(v));
    }
  }
  // Named groups win over captured JSON fields: they are the more specific reading of the same record.
  for (const m of found) {
    for (const [name, value] of Object.entries(m.groups ?? {}))
      if (value !== undefined && value !== '') fields[name] = redactText(value);
  }
  return {
    rule: rule.id,
    errorType: rule.errorType,
    severity: rule.severity,
    target: targetOf(rule, fields),
    message: redactText(messageOf(record)),
    fields,
    action: rule.action,
    notify: rule.notify,
  };
}

/** The rule's template when every field it names was captured; else the first default field; else the rule id. */
function targetOf(rule: CompiledRule, fields: Record<string, string>): string {
  if (rule.target !== null) {
    let out = '';
    let complete = true;
    for (const part of rule.target) {
      if ('text' in part) out += part.text;
      else if (fields[part.field] !== undefined) out += fields[part.field];
      else complete = false;
    }
    if (complete) return out;
  }
  for (const name of DEFAULT_TARGET_FIELDS) {
    const v = fields[name];
    if (v !== undefined) return v;
  }
  return rule.id;
}
