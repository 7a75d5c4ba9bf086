// `centinela rules test`, run as an operator runs it: on the shipped rules, on a broken file, on a log.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHIPPED_RULES, checkSamples, loadRules } from '../../src/monitor/rules/index.ts';
import { Tailer, readNumberedRecords } from '../../src/monitor/tail/index.ts';
import type { LogRecord } from '../../src/monitor/types.ts';
import { runCli, tempDir } from '../support/service.ts';
import { createTestStore, quietLog } from '../support/stores.ts';

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
    expect(run.stdout).toMatch(
      /line 5: rule "a": action\.type: "restart" is not an action; the action types are retry_job, .*restart_container/,
    );
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
    // As the live tailer reads it: the unheaded ENOENT lines under the ERROR line belong to its record.
    expect(report).toContain(`log: ${join(cwd, 'app.log')}: 3 records, 1 would trigger a rule`);
    expect(report).toContain(
      '  download_timeout: 1\n    line 2: 2026-01-05 14:30:20 ERROR download timeout for job 42 (model victor)',
    );
    expect(report).toContain(
      '→ retry_job job_id=42 model=victor (3 attempts, waits 1s 2s 4s); target 42, warning, notify on_failure',
    );
    expect(report).not.toContain('folder_missing'); // its examples and their redaction: 'shows up to three examples per rule'
    expect(run.stdout).not.toContain(TOKEN);
  });

  it('reads a log into the records the live tailer makes of it: JSON lines, plain lines, a traceback, CRLF, a cut line', async () => {
    const cwd = tempDir('centinela-rules-cli-');
    const lines = [
      '{"level":"INFO","component":"bot","msg":"video received","caption":"Error: ENOSPC: no space left on device, write"}',
      '2026-01-05 14:30:20 ERROR download timeout for job 42 (model victor)',
      'Traceback (most recent call last):',
      '  File "/app/worker.py", line 12, in run',
      "    open('/srv/media/ana/y.mp4')",
      "FileNotFoundError: [Errno 2] No such file or directory: '/srv/media/ana/y.mp4'",
      '{"level":"ERROR","msg":"write failed","err":{"message":"ENOENT: no such file or directory, open \'/srv/media/bo/z.mp4\'","code":"ENOENT"}}',
      "Error: ENOENT: no such file or directory, open '/srv/media/ana/x.mp4'",
      '    at async open (node:internal/fs/promises:639:25)',
      'a plain line ending in CRLF\r',
      'a lone \r inside a plain line',
      '',
      `${'é'.repeat(300)} longer than max_line_bytes in bytes`,
      '2026-01-05 14:30:21 INFO all good',
    ];
    const file = join(cwd, 'app.log');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const maxLineBytes = 256;

    // The live tailer, from the beginning, its pending record flushed at once.
    const t = await createTestStore('sqlite');
    const tailed: LogRecord[] = [];
    const tailer = new Tailer({
      store: t.store,
      log: await quietLog(),
      files: [file],
      from: 'beginning',
      maxLineBytes,
      multilineStart: /^\S/,
      idleFlushMs: 0,
      onRecords: async (r) => void tailed.push(...r),
    });
    try {
      await tailer.drain();
      await tailer.drain();
    } finally {
      await tailer.stop();
      await t.cleanup();
    }
    // The traceback belongs to the ERROR line above it; the line is cut at max_line_bytes bytes, not characters.
    expect(tailed).toHaveLength(8);
    expect(tailed[1]?.text).toBe(lines.slice(1, 6).join('\n'));
    expect(tailed[6]?.text).toBe(`${'é'.repeat(maxLineBytes / 2)}…[cut]`);

    // What rules test reads is those records, each with the number of its first line.
    const read: Array<{ record: LogRecord; line: number }> = [];
    await readNumberedRecords(
      file,
      { maxLineBytes, multilineStart: /^\S/, source: file },
      (record, line) => void read.push({ record, line }),
    );
    expect(read.map((r) => r.record)).toEqual(tailed);
    expect(read.map((r) => r.line)).toEqual([1, 2, 7, 8, 10, 11, 13, 14]);

    // And what the command reports is what the rules make of the tailer's records.
    const set = loadRules(SHIPPED_RULES);
    const hits = new Map<string, number>();
    for (const f of tailed.map((r) => set.match(r))) if (f) hits.set(f.rule, (hits.get(f.rule) ?? 0) + 1);
    expect(hits.size).toBeGreaterThan(1);
    const run = await runCli(['rules', 'test', '--log', 'app.log'], {
      cwd,
      env: { CENTINELA_MONITOR_MAX_LINE_BYTES: String(maxLineBytes) },
    });
    expect(run.code).toBe(0);
    const report = run.stdout.slice(run.stdout.indexOf('\nlog: '));
    const matched = [...hits.values()].reduce((a, b) => a + b, 0);
    expect(report).toContain(`log: ${file}: ${tailed.length} records, ${matched} would trigger a rule`);
    for (const [rule, count] of hits) expect(report).toContain(`\n  ${rule}: ${count}\n`);
  });

  it('shows up to three examples per rule by their first line, secrets redacted', async () => {
    const cwd = tempDir('centinela-rules-cli-');
    const log = [
      '{"level":"INFO","component":"bot","msg":"video received"}',
      `Error: ENOENT: no such file or directory, open '/srv/media/${TOKEN}/x.mp4'`,
      '    at async open (node:internal/fs/promises:639:25)',
      "Error: ENOENT: no such file or directory, open '/srv/media/ana/y.mp4'",
    ];
    writeFileSync(join(cwd, 'app.log'), `${log.join('\n')}\n`);
    const run = await runCli(['rules', 'test', '--log', 'app.log'], { cwd });
    expect(run.code).toBe(0);
    const report = run.stdout.slice(run.stdout.indexOf('\nlog: '));
    expect(report).toContain(`log: ${join(cwd, 'app.log')}: 3 records, 2 would trigger a rule`);
    expect(report).toContain('  folder_missing: 2\n    line 2: ');
    expect(report).toContain('    line 4: ');
    expect(report).toContain(
      '→ create_folder path=/srv/media/ana (1 attempt); target /srv/media/ana, warning, notify on_failure',
    );
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
    const run = await runCli(['start'], {
      cwd,
      env: { CENTINELA_MONITOR_RULES: 'bad.yaml', CENTINELA_HTTP_PORT: '0', CENTINELA_LOG_STDOUT: 'false' },
    });
    expect(run.code).toBe(78);
    expect(run.stderr).toMatch(/bad\.yaml: \d+ problems? in the monitor rules/);
    expect(run.stderr).toMatch(/rule "x"/);
  });
});
