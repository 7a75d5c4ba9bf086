// Every rule carries sample lines: those it must match (with the fields and target they must yield) and those it
// must not. They run through the whole set, as live records do, so a rule shadowed by an earlier one fails too.
import type { Rule } from './compiled.ts';
import type { RuleSet } from './matcher.ts';
import { toRecord } from './record.ts';

export interface SampleResult {
  rule: string;
  line: string;
  expected: 'match' | 'no_match';
  ok: boolean;
  problem?: string;
}

export function checkSamples(set: RuleSet): SampleResult[] {
  return set.rules.flatMap((rule) => checkRuleSamples(set, rule));
}

/** The rule's samples in file order: samples.match first, then samples.no_match. */
export function checkRuleSamples(set: RuleSet, rule: Rule): SampleResult[] {
  const results: SampleResult[] = [];
  for (const sample of rule.samples.match) {
    const finding = set.match(toRecord(sample.line, sample.source ?? 'sample'));
    const base = { rule: rule.id, line: sample.line, expected: 'match' as const };
    if (!finding) {
      results.push({ ...base, ok: false, problem: 'no rule matches it' });
      continue;
    }
    if (finding.rule !== rule.id) {
      results.push({ ...base, ok: false, problem: `rule ${finding.rule}, earlier in the file, takes it first` });
      continue;
    }
    const wrong = Object.entries(sample.fields ?? {})
      .filter(([name, value]) => finding.fields[name] !== value)
      .map(
        ([name, value]) =>
          `${name} is ${finding.fields[name] === undefined ? 'not captured' : JSON.stringify(finding.fields[name])}, expected ${JSON.stringify(value)}`,
      );
    if (sample.target !== undefined && finding.target !== sample.target)
      wrong.push(`target is ${JSON.stringify(finding.target)}, expected ${JSON.stringify(sample.target)}`);
    results.push(wrong.length ? { ...base, ok: false, problem: wrong.join('; ') } : { ...base, ok: true });
  }
  for (const sample of rule.samples.noMatch) {
    const finding = set.match(toRecord(sample.line, sample.source ?? 'sample'));
    const base = { rule: rule.id, line: sample.line, expected: 'no_match' as const };
    results.push(
      finding?.rule === rule.id
        ? { ...base, ok: false, problem: `it matches (fields ${JSON.stringify(finding.fields)})` }
        : { ...base, ok: true },
    );
  }
  return results;
}
