// Every kind of load error: each is reported with its line, its rule and what to do, all of them in one RulesError.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  RULE_ACTION_TYPES,
  RulesError,
  checkSamples,
  loadRules,
  parseRules,
} from '../../../src/monitor/rules/index.ts';
import { tempDir } from '../../support/service.ts';

function problemsOf(text: string): string[] {
  try {
    parseRules(text, 'bad.yaml');
  } catch (err) {
    if (err instanceof RulesError) return err.problems;
    throw err;
  }
  throw new Error('the rules loaded without a problem');
}

const rule = (extra: string, id = 'r'): string => `  - id: ${id}\n    description: d\n${extra}`;
const ok = "    match: 'ERROR x'\n    samples: {match: ['ERROR x']}\n";

describe('rules file problems', () => {
  it('reports YAML that does not parse, with its line', () => {
    const problems = problemsOf('rules:\n  - id: a\n   bad: [\n');
    expect(problems[0]).toMatch(/^line 3: not valid YAML: /);
  });

  it('reports unknown keys with the key they probably meant', () => {
    const problems = problemsOf(
      `min_levl: WARN\nrules:\n${rule(`    descripton: x\n    action: {type: create_folder, atempts: 2}\n    match: {regx: 'x'}\n    samples: {match: [x]}\n`)}`,
    );
    expect(problems).toContain(
      'line 1: min_levl: unknown key; did you mean min_level? (the keys here are version, define, min_level, ignore, rules)',
    );
    expect(problems.some((p) => /^line 5: rule "r": descripton: unknown key; did you mean description\?/.test(p))).toBe(
      true,
    );
    expect(
      problems.some((p) => /^line 6: rule "r": action\.atempts: unknown key; did you mean attempts\?/.test(p)),
    ).toBe(true);
    expect(problems.some((p) => /^line 7: rule "r": match\[0\]\.regx: unknown key; did you mean regex\?/.test(p))).toBe(
      true,
    );
  });

  it('reports a regex that does not compile, and g or y flags', () => {
    const problems = problemsOf(
      `rules:\n${rule("    match: ['ERROR (?<path>x', {fields: {msg: '/x/g'}}]\n    samples: {match: ['ERROR x']}\n")}`,
    );
    expect(problems).toContain(
      `line 4: rule "r": match[0].regex: the regex 'ERROR (?<path>x' does not compile: Unterminated group`,
    );
    expect(problems.some((p) => p.includes('match[1].fields.msg: flags "g" are not allowed'))).toBe(true);
  });

  it('reports a rule without a positive sample', () => {
    const problems = problemsOf(`rules:\n${rule('    match: x\n    samples: {no_match: [y]}\n')}`);
    expect(problems).toEqual([
      'line 2: rule "r": has no positive sample: add samples.match with at least one log line this rule must match (and the fields it must yield)',
    ]);
  });

  it('reports duplicate ids with both lines', () => {
    const problems = problemsOf(`rules:\n${rule(ok, 'same')}${rule(ok, 'same')}`);
    expect(problems).toEqual([
      'line 6: rule "same": id: the id is also used by rule #1 (line 2); rule ids must be unique: rename one',
    ]);
  });

  it('reports an unknown action type with the known ones, and bad action parameters', () => {
    const problems = problemsOf(
      `rules:\n${rule(`    action: {type: reboot}\n${ok}`, 'a')}${rule(`    action: {type: check_bot_api, params: {interval: soon, every: 3}, attempts: 3}\n${ok}`, 'b')}${rule(`    action: {type: retry_job, backoff: [1x]}\n${ok}`, 'c')}`,
    );
    expect(problems).toContain(
      `line 4: rule "a": action.type: "reboot" is not an action; the action types are ${RULE_ACTION_TYPES.join(', ')}`,
    );
    expect(problems).toContain(
      `line 9: rule "b": action.params.interval: expected a duration such as '10s' or '1m', got "soon"`,
    );
    expect(problems).toContain(
      'line 9: rule "b": action.params.every: check_bot_api takes no such parameter; it takes interval, times, timeout',
    );
    expect(problems.some((p) => p.startsWith('line 9: rule "b": action.attempts: 3 attempts but no backoff'))).toBe(
      true,
    );
    expect(problems).toContain(
      'line 14: rule "c": action.backoff[0]: "1x" is not a duration; write it as 500ms, 1s, 2m',
    );
    expect(
      problems.some((p) =>
        p.startsWith('line 14: rule "c": action: retry_job needs job_id: capture it in every match alternative'),
      ),
    ).toBe(true);
  });

  it('accepts an action field captured by every alternative, and refuses one that only some capture', () => {
    const good = `rules:\n${rule("    match: ['ERROR job (?<job_id>\\d+)', {fields: {level: ERROR}}]\n    capture: {job_id: job_id}\n    action: {type: retry_job}\n    samples: {match: ['ERROR job 1']}\n")}`;
    expect(parseRules(good, 'good.yaml').rules[0]?.action?.type).toBe('retry_job');
    // The capture map reads JSON only: a bare regex may match a text record, which has no job_id field.
    const bad = `rules:\n${rule("    match: ['ERROR job (?<job_id>\\d+)', 'ERROR retry']\n    capture: {job_id: job_id}\n    action: {type: retry_job}\n    samples: {match: ['ERROR job 1']}\n")}`;
    expect(problemsOf(bad).some((p) => p.includes('retry_job needs job_id'))).toBe(true);
  });

  it('reports defines that are missing or do not compile', () => {
    const problems = problemsOf(
      `define:\n  broken: '(?<a>'\nrules:\n${rule("    match: '{{nope}}x'\n    samples: {match: [x]}\n")}`,
    );
    expect(problems).toContain(`line 2: define.broken: '(?<a>' does not compile: Unterminated group`);
    expect(problems).toContain(
      'line 6: rule "r": match[0].regex: {{nope}} is not defined; add it under define: at the top of the file',
    );
  });

  it('reports bad values, missing keys and target fields that are never captured', () => {
    const problems = problemsOf(
      `rules:\n  - id: Bad-Id\n    match: x\n    severity: huge\n    notify: sometimes\n    target: '{path}'\n    samples: {match: [x]}\n`,
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'line 2: rule "Bad-Id": id: an id of lowercase letters, digits and _ (download_timeout), got "Bad-Id"',
        'line 2: rule "Bad-Id": description is missing',
        'line 4: rule "Bad-Id": severity: expected one of "info"|"warning"|"critical", got "huge"',
      ]),
    );
    expect(problems.some((p) => p.startsWith('line 5: rule "Bad-Id": notify: '))).toBe(true);
    const target = problemsOf(`rules:\n${rule("    match: x\n    target: '{path}'\n    samples: {match: [x]}\n")}`);
    expect(target).toEqual([
      'line 5: rule "r": target: {path} is never captured; capture it (a named group or capture:) or change the template',
    ]);
    expect(problemsOf('rules: []\n')).toEqual(['line 1: rules: at least one rule, got a list']);
  });

  it('reports failing samples when loading, and leaves them to checkSamples when asked to', () => {
    const text = `rules:\n${rule("    match: 'ERROR job (?<job_id>\\d+)'\n    samples:\n      match: [{line: 'ERROR job 4', fields: {job_id: '5'}}, 'INFO nothing']\n      no_match: ['ERROR job 9']\n", 'a')}${rule("    match: 'ERROR job 1'\n    samples: {match: ['ERROR job 1']}\n", 'b')}`;
    expect(problemsOf(text)).toEqual([
      'line 6: rule "a": samples.match[0]: ERROR job 4: job_id is "4", expected "5"; fix the rule or the sample',
      'line 6: rule "a": samples.match[1]: INFO nothing: no rule matches it; fix the rule or the sample',
      'line 7: rule "a": samples.no_match[0]: ERROR job 9: it matches (fields {"job_id":"9"}); fix the rule or the sample',
      'line 11: rule "b": samples.match[0]: ERROR job 1: rule a, earlier in the file, takes it first; fix the rule or the sample',
    ]);
    const set = parseRules(text, 'report.yaml', { samples: 'report' });
    expect(checkSamples(set).map((r) => [r.rule, r.expected, r.ok])).toEqual([
      ['a', 'match', false],
      ['a', 'match', false],
      ['a', 'no_match', false],
      ['b', 'match', false],
    ]);
  });

  it('lists every problem of the file in one error whose message names the file', () => {
    const dir = tempDir('centinela-rules-');
    const file = join(dir, 'rules.yaml');
    writeFileSync(
      file,
      `rules:\n${rule("    match: '('\n    samples: {match: [x]}\n", 'a')}${rule('    match: x\n', 'b')}`,
    );
    let error: unknown;
    try {
      loadRules(file);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RulesError);
    const e = error as RulesError;
    expect(e.problems).toHaveLength(2);
    expect(e.message).toContain(`${file}: 2 problems in the monitor rules`);
    for (const p of e.problems) expect(e.message).toContain(p);
    expect(() => loadRules(join(dir, 'missing.yaml'))).toThrow(/cannot read the rules file \(ENOENT\)/);
  });
});
