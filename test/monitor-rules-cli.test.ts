// `centinela rules test`, run as an operator runs it: on the shipped rules, on a broken file, on a log.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHIPPED_RULES, checkSamples, loadRules } from '../src/monitor/rules/index.ts';
import { runCli, tempDir } from './support/service.ts';

const TOKEN = `123456789:${'B'.repeat(35)}`;

describe('centinela rules test', () => {
  it('checks every sample of the shipped rules and exits 0', async () => {
    const cwd = tempDir('centinela-rules-cli-');
    const run = await runCli(['rules', 'test'], { cwd });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const samples = checkSamples(loadRules(SHIPPED_RULES));
    const marks = run.stdout.split('\n').filter((l) => /^[✓✗] /.test(l));
    expect(marks).toHaveLength(samples.length);
    expect(marks.every((l) => l.startsWith('✓ '))).toBe(true);
    expect(run.stdout).toContain(`rules: ${SHIPPED_RULES} (`);
    expect(run.stdout).toContain(`${samples.length} samples: ${samples.length} passed, 0 failed`);
  });

  it('exits 1 on a broken rules file and says, by line and rule, what to fix', async () => {
    const cwd = tempDir('centinela-rules-cli-');
    writeFileSync(
      join(cwd, 'bad.yaml'),
      "rules:\n  - id: a\n    description: d\n    match: 'ERROR ('\n    action: {type: restart}\n    samples: {match: ['ERROR x']}\n",
    );
    const run = await runCli(['rules', 'test', '--rules', 'bad.yaml'], { cwd });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`✗ ${join(cwd, 'bad.yaml')}: 2 problems in the monitor rules`);
    expect(run.stdout).toContain(`line 4: rule "a": match[0].regex: the regex 'ERROR (' does not compile`);
    expect(run.stdout).toMatch(/line 5: rule "a": action\.type: "restart" is not an action; the action types are retry_job, .*restart_container/);
  });

  it('exits 1 when a sample fails, marking it ✗ with the reason', async () => {
    const cwd = tempDir('centinela-rules-cli-');
    writeFileSync(
      join(cwd, 'rules.yaml'),
      "rules:\n  - id: a\n    description: d\n    match: 'ERROR job (?<job_id>\\d+)'\n    samples:\n      match: [{line: 'ERROR job 4', fields: {job_id: '4'}}]\n      no_match: ['ERROR job 5']\n",
    );
    // The rules file named in the config is used when --rules is not given.
    writeFileSync(join(cwd, 'centinela.yaml'), 'monitor:\n  rules: rules.yaml\n');
    const run = await runCli(['rules', 'test', '--config', 'centinela.yaml'], { cwd });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('✓ a matches: ERROR job 4');
    expect(run.stdout).toContain('✗ a skips: ERROR job 5\n    it matches (fields {"job_id":"5"})');
    expect(run.stdout).toContain('2 samples: 1 passed, 1 failed');
  });

  it('tolerates a config file that is not there', async () => {
    const cwd = tempDir('centinela-rules-cli-');
    const run = await runCli(['rules', 'test', '--config', 'nowhere.yaml'], { cwd });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`config file ${join(cwd, 'nowhere.yaml')} does not exist; using the default settings`);
  });

  it('shows what a log would trigger, per rule, with the action, and no secrets', async () => {
    const cwd = tempDir('centinela-rules-cli-');
    const log = [
      '{"level":"INFO","component":"bot","msg":"video received","caption":"Error: ENOSPC: no space left on device, write"}',
      '2026-01-05 14:30:20 ERROR download timeout for job 42 (model victor)',
      `Error: ENOENT: no such file or directory, open '/srv/media/${TOKEN}/x.mp4'`,
      '    at async open (node:internal/fs/promises:639:25)',
      '    at async main (/app/index.js:3:1)',
      "Error: ENOENT: no such file or directory, open '/srv/media/ana/y.mp4'",
      '2026-01-05 14:30:21 INFO all good',
    ];
    writeFileSync(join(cwd, 'app.log'), `${log.join('\n')}\n`);
    const run = await runCli(['rules', 'test', '--log', 'app.log'], { cwd });
    expect(run.code).toBe(0);
    const report = run.stdout.slice(run.stdout.indexOf('\nlog: '));
    expect(report).toContain(`log: ${join(cwd, 'app.log')}: 5 records, 3 would trigger a rule`);
    expect(report).toContain('  download_timeout: 1\n    line 2: 2026-01-05 14:30:20 ERROR download timeout for job 42 (model victor)');
    expect(report).toContain('→ retry_job job_id=42 model=victor (3 attempts, waits 1s 2s 4s); target 42, warning, notify on_failure');
    expect(report).toContain('  folder_missing: 2\n    line 3: ');
    expect(report).toContain('    line 6: ');
    expect(report).toContain('→ create_folder path=/srv/media/ana (1 attempt); target /srv/media/ana, warning, notify on_failure');
    expect(run.stdout).not.toContain(TOKEN);
    expect(report).toContain('/srv/media/[redacted]/x.mp4');
  });

  it('says how to use it', async () => {
    const cwd = tempDir('centinela-rules-cli-');
    for (const args of [['rules'], ['rules', 'check'], ['rules', 'test', 'extra']]) {
      const run = await runCli(args, { cwd });
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain('rules test [--rules FILE] [--log FILE [--source docker:NAME]]');
    }
    const missing = await runCli(['rules', 'test', '--log', 'none.log'], { cwd });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`cannot read the log ${join(cwd, 'none.log')}: it does not exist`);
  });

  it('the service refuses to start on a bad rules file: exit 78 (configuration) with each problem', async () => {
    const cwd = tempDir('centinela-rules-start-');
    writeFileSync(join(cwd, 'bad.yaml'), 'version: 1\nrules:\n  - id: x\n    match: "("\n');
    const run = await runCli(['start'], { cwd, env: { CENTINELA_MONITOR_RULES: 'bad.yaml', CENTINELA_HTTP_PORT: '0', CENTINELA_LOG_STDOUT: 'false' } });
    expect(run.code).toBe(78);
    expect(run.stderr).toMatch(/bad\.yaml: \d+ problems? in the monitor rules/);
    expect(run.stderr).toMatch(/rule "x"/);
  });
});
