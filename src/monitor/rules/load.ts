// Reads a rules file into a RuleSet, or throws one RulesError listing every problem with its line, its rule and
// what to do: the service refuses to start on a bad rules file, so the message must be enough to fix it.
import { readFileSync } from 'node:fs';
import { closest } from 'fastest-levenshtein';
import { LineCounter, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import type { z } from 'zod';
import { getPath } from '../../core/object-path.ts';
import { compileAlternatives, compileRule } from './compile.ts';
import type { Alternative, CompiledRule, Problem } from './compiled.ts';
import { CompiledRuleSet } from './matcher.ts';
import type { RuleSet } from './matcher.ts';
import { resolveDefines } from './regex.ts';
import { checkRuleSamples } from './samples.ts';
import { KNOWN_KEYS, fileSchema, ruleSchema } from './schema.ts';

type Path = ReadonlyArray<string | number>;

export class RulesError extends Error {
  readonly problems: string[];
  constructor(source: string, problems: string[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(
      `${source}: ${count} in the monitor rules (fix them, then check with \`centinela rules test\`):\n  - ${problems.join('\n  - ')}`,
    );
    this.name = 'RulesError';
    this.problems = problems;
  }
}

export interface ParseOptions {
  /** 'enforce' (the default): a failing sample is a load error. 'report': left to checkSamples (the CLI shows each). */
  samples?: 'enforce' | 'report';
}

export function loadRules(file: string, options: ParseOptions = {}): RuleSet {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new RulesError(file, [
      `cannot read the rules file (${code}): point monitor.rules (or --rules) at a readable file, or leave monitor.rules empty for the shipped rules`,
    ]);
  }
  return parseRules(text, file, options);
}

export function parseRules(text: string, source: string, options: ParseOptions = {}): RuleSet {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new RulesError(
      source,
      doc.errors.map((e) => `line ${lines.linePos(e.pos[0]).line}: not valid YAML: ${e.message.split('\n')[0]}`),
    );
  }
  const data: unknown = doc.toJS();
  const where = locator(doc, lines);
  const problems: string[] = [];
  const report = (path: Path, message: string, rule?: string): void => {
    const inRule = path[0] === 'rules' && typeof path[1] === 'number';
    const rel = inRule ? path.slice(2) : path;
    const label = inRule ? `rule ${rule ? `"${rule}"` : `#${(path[1] as number) + 1}`}: ` : '';
    const at = rel.length ? `${pathText(rel)}${message.startsWith('is ') ? ' ' : ': '}` : '';
    problems.push(`line ${where(path)}: ${label}${at}${message}`);
  };

  const top = fileSchema.safeParse(data);
  if (!top.success) for (const issue of top.error.issues) describeIssue(issue, [], data, report);
  // A problem elsewhere in the file (a misspelt key) must not hide problems in the defines and ignores.
  const raw = (key: string): unknown => (isObject(data) ? data[key] : undefined);
  const settings = top.success
    ? top.data
    : {
        define: fileSchema.shape.define.safeParse(raw('define')).data ?? {},
        ignore: fileSchema.shape.ignore.safeParse(raw('ignore')).data ?? [],
        min_level: fileSchema.shape.min_level.safeParse(raw('min_level')).data ?? 'WARN',
      };
  const { defines, problems: defineProblems } = resolveDefines(settings.define);
  for (const p of defineProblems) report(['define', p.name], p.message);
  const compileProblems: Problem[] = [];
  const globalIgnore: Alternative[] = compileAlternatives(settings.ignore, 'ignore', defines, compileProblems);
  for (const p of compileProblems) report(p.path, p.message);

  const rawRules = isObject(data) && Array.isArray(data.rules) ? (data.rules as unknown[]) : [];
  const compiled: Array<{ rule: CompiledRule; index: number }> = [];
  const firstIndex = new Map<string, number>();
  for (const [index, raw] of rawRules.entries()) {
    const id = isObject(raw) && typeof raw.id === 'string' ? raw.id : undefined;
    const base = ['rules', index];
    if (id !== undefined) {
      const earlier = firstIndex.get(id);
      if (earlier !== undefined)
        report(
          [...base, 'id'],
          `the id is also used by rule #${earlier + 1} (line ${where(['rules', earlier])}); rule ids must be unique: rename one`,
          id,
        );
      else firstIndex.set(id, index);
    }
    const parsed = ruleSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        describeIssue(issue, base, data, (path, message) => report(path, message, id));
      continue;
    }
    const { rule, problems: ruleProblems } = compileRule(parsed.data, defines);
    for (const p of ruleProblems) report([...base, ...p.path], p.message, id);
    if (rule) compiled.push({ rule, index });
  }
  if (problems.length > 0) throw new RulesError(source, problems);

  const set = new CompiledRuleSet(
    compiled.map((c) => c.rule),
    globalIgnore,
    settings.min_level,
    source,
  );
  if (options.samples === 'report') return set;
  for (const { rule, index } of compiled) {
    const results = checkRuleSamples(set, rule);
    for (const [k, r] of results.entries()) {
      if (r.ok) continue;
      const path =
        r.expected === 'match'
          ? ['rules', index, 'samples', 'match', k]
          : ['rules', index, 'samples', 'no_match', k - rule.samples.match.length];
      report(path, `${shorten(r.line)}: ${r.problem}; fix the rule or the sample`, rule.id);
    }
  }
  if (problems.length > 0) throw new RulesError(source, problems);
  return set;
}

function describeIssue(
  issue: z.core.$ZodIssue,
  base: Path,
  data: unknown,
  report: (path: Path, message: string) => void,
): void {
  const path = [...base, ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))];
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(path);
    for (const key of issue.keys)
      report(
        [...path, key],
        `unknown key${known.length ? `; did you mean ${closest(key, known)}? (the keys here are ${known.join(', ')})` : ''}`,
      );
    return;
  }
  const value = getPath(data, path);
  if (issue.code === 'invalid_type' && value === undefined) {
    report(path, 'is missing');
    return;
  }
  const message = issue.message.replace(/^Invalid (input|option): /, '').replace(/, received \w+$/, '');
  report(path, issue.code === 'custom' || value === undefined ? message : `${message}, got ${showValue(value)}`);
}

/** The keys a mapping at this path may hold; the path is inside the file (rules[i]… or a top-level key). */
function knownKeys(path: Path): readonly string[] {
  const inRule = path[0] === 'rules' && typeof path[1] === 'number';
  const rel = inRule ? path.slice(2) : path;
  const shape = rel.map((p) => (typeof p === 'number' ? '#' : p)).join('.');
  if (rel.length === 0) return inRule ? KNOWN_KEYS.rule : KNOWN_KEYS.file;
  if (shape === 'action') return KNOWN_KEYS.action;
  if (shape === 'samples') return KNOWN_KEYS.samples;
  if (shape === 'samples.match.#') return KNOWN_KEYS.positive;
  if (shape === 'samples.no_match.#') return KNOWN_KEYS.negative;
  if (shape === 'match.#' || shape === 'ignore.#') return KNOWN_KEYS.alternative;
  return [];
}

/** The line of the deepest node of the path that exists in the YAML document. */
function locator(doc: Document, lines: LineCounter): (path: Path) => number {
  return (path) => {
    for (let n = path.length; n >= 0; n--) {
      const node: unknown = doc.getIn(path.slice(0, n), true);
      const range = isObject(node) ? node.range : undefined;
      if (Array.isArray(range) && typeof range[0] === 'number') return lines.linePos(range[0]).line;
    }
    return 1;
  };
}

/** ['match', 0, 'regex'] → match[0].regex */
function pathText(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (isObject(value)) return 'a mapping';
  return shorten(JSON.stringify(value));
}

function shorten(text: string, max = 90): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
