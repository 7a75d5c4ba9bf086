// `centinela doctor` and `centinela start` judge a configuration by the same check: what start refuses, doctor
// refuses, every problem at once; start exits 78 with one readable line per problem and no stack trace.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli, tempDir } from '../../support/service.ts';

/** A temp folder with config/centinela.yaml holding `yaml`, and a rules file `rules.yaml` when given. */
function project(yaml: string, rules?: string): string {
  const cwd = tempDir('centinela-validation-');
  mkdirSync(join(cwd, 'config'));
  writeFileSync(join(cwd, 'config/centinela.yaml'), yaml);
  if (rules !== undefined) writeFileSync(join(cwd, 'rules.yaml'), rules);
  return cwd;
}

const SETTINGS = [
  'http:',
  '  port: 0',
  'invoices:',
  '  csv_columns: { totl: Total, number: Folio }',
  'monitor:',
  "  multiline_start: '(unclosed'",
  'log:',
  '  level: loud',
  '',
].join('\n');

const SETTING_PROBLEMS = [
  /^ {2}- invoices\.csv_columns\.totl: not an invoice field \(did you mean total\?\); the fields are number, series, /m,
  /^ {2}- monitor\.multiline_start: not a regular expression: .*Unterminated group/m,
  /^ {2}- log\.level: .*got "loud" \(from .*centinela\.yaml\)$/m,
];

/** No stack frame, and no JSON log line carrying one, anywhere in what the command printed. */
function expectNoStack(out: string): void {
  expect(out).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(out).not.toContain('"stack"');
}

describe('doctor and start agree on a configuration', () => {
  test('settings start refuses: doctor says ✗ with every problem, start exits 78 with the same lines', async () => {
    const cwd = project(SETTINGS);
    const doctor = await runCli(['doctor'], { cwd, env: { CENTINELA_HTTP_PORT: '0' } });
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(1);
    expect(doctor.stdout).not.toContain('✓ configuration valid');
    expect(doctor.stdout).toMatch(/^✗ invalid configuration:/m);
    for (const problem of SETTING_PROBLEMS) expect(doctor.stdout).toMatch(problem);
    expectNoStack(doctor.stdout + doctor.stderr);

    const start = await runCli(['start'], { cwd, env: { CENTINELA_HTTP_PORT: '0' } });
    expect(start.code, start.stdout + start.stderr).toBe(78);
    expect(start.stderr).toMatch(/^centinela: invalid configuration:$/m);
    for (const problem of SETTING_PROBLEMS) expect(start.stderr).toMatch(problem);
    // The three problems and the heading, nothing else.
    expect(start.stderr.trim().split('\n')).toHaveLength(4);
    expectNoStack(start.stdout + start.stderr);
  });

  test('a rules file start refuses: doctor names its problems too, start exits 78 without a stack trace', async () => {
    const rules = ['rules:', '  - id: broken', '    match: "(unclosed"', '    samples:', '      match: ["x"]', ''].join(
      '\n',
    );
    const cwd = project('monitor:\n  rules: rules.yaml\n', rules);
    const doctor = await runCli(['doctor'], { cwd, env: { CENTINELA_HTTP_PORT: '0' } });
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(1);
    expect(doctor.stdout).not.toContain('✓ configuration valid');
    expect(doctor.stdout).toMatch(/^✗ .*rules\.yaml: .*in the monitor rules/m);
    expect(doctor.stdout).toMatch(/rule "broken"/);

    const start = await runCli(['start'], { cwd, env: { CENTINELA_HTTP_PORT: '0' } });
    expect(start.code, start.stdout + start.stderr).toBe(78);
    expect(start.stderr).toMatch(/rules\.yaml: .*in the monitor rules/);
    expect(start.stderr).toMatch(/rule "broken"/);
    expectNoStack(start.stdout + start.stderr);
  });

  test('a configuration start accepts, doctor calls valid', async () => {
    const cwd = project('invoices:\n  csv_columns: { total: Total, number: Folio }\n');
    const doctor = await runCli(['doctor'], { cwd, env: { CENTINELA_HTTP_PORT: '0' } });
    expect(doctor.stdout).toMatch(/^✓ configuration valid \(.*centinela\.yaml; monitor rules: the shipped rules\)$/m);
  });
});
