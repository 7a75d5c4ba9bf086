// Rules act only on records at min_level or above (or with no level), read from the record's own level field or
// header, and a line without a header continues the record before it: what a user typed, or a handled error logged
// with its traceback at INFO/DEBUG, never triggers a repair (issue 11.8). Lines go through the tailer's real record
// assembler and the shipped rules.
import { describe, expect, it } from 'vitest';
import { SHIPPED_RULES, loadRules, toRecord } from '../../../src/monitor/rules/index.ts';
import { RecordAssembler } from '../../../src/monitor/tail/records.ts';
import type { Finding } from '../../../src/monitor/types.ts';

const rules = loadRules(SHIPPED_RULES);

/** The file's lines as the tailer joins them into records, each matched by the shipped rules. */
function findings(...lines: string[]): Array<Finding | null> {
  const a = new RecordAssembler('f', '/var/log/bot.log', /^\S/, 65_536);
  let at = 0;
  for (const line of lines) {
    a.line(line, at, at + line.length + 1);
    at += line.length + 1;
  }
  a.flush();
  return a.out.map((e) => rules.match(e.record));
}

describe('what counts as an error record', () => {
  it('a caption logged at INFO with a newline is one INFO record: no pause, no chown, no folder', () => {
    expect(
      findings(
        '2026-01-05 14:30:20,123 INFO bot: caption from @pepe: nice clip',
        'Error: ENOSPC: no space left on device, write',
      ),
    ).toEqual([null]);
    expect(
      findings('INFO:bot:caption: lol', "Error: EACCES: permission denied, open '/srv/media/victor/x.mp4'"),
    ).toEqual([null]);
    expect(
      findings(
        '[2026-01-05 14:30:20] [info] caption: x',
        "Error: ENOENT: no such file or directory, mkdir '/srv/media/x/y'",
      ),
    ).toEqual([null]);
  });

  it('a handled error logged with its traceback at INFO or DEBUG triggers nothing; the same at ERROR does', () => {
    const traceback = (level: string): string[] => [
      `2026-01-05 14:30:20,123 ${level} uploader: could not save, will retry`,
      'Traceback (most recent call last):',
      '  File "/app/up.py", line 12, in save',
      "PermissionError: [Errno 13] Permission denied: '/srv/media/victor'",
    ];
    expect(findings(...traceback('INFO'))).toEqual([null]);
    expect(findings(...traceback('DEBUG'))).toEqual([null]);
    // The ERROR record is one record too (its cause is on its last line, which the shipped rules do not read yet).
    expect(findings(...traceback('ERROR'))).toHaveLength(1);
  });

  it("reads the record's own level field: level, severity, levelname, log.level, pino/bunyan numbers", () => {
    const err = { message: "ENOENT: no such file or directory, mkdir '/srv/media/victor'" };
    const quietOnes = [
      { level: 30, msg: 'handled', err },
      { level: 20, msg: 'handled', err },
      { severity: 'INFO', msg: 'handled', err },
      { levelname: 'DEBUG', msg: 'handled', err },
      { 'log.level': 'info', msg: 'handled', err },
      { log: { level: 'info' }, msg: 'handled', err },
      { level: 'Info', msg: 'handled', err },
    ];
    for (const line of quietOnes) expect(rules.match(toRecord(JSON.stringify(line))), JSON.stringify(line)).toBeNull();
    const loud = [
      { level: 50, msg: 'x', err },
      { severity: 'ERROR', msg: 'x', err },
      { levelname: 'ERROR', msg: 'x', err },
      { 'log.level': 'error', msg: 'x', err },
    ];
    for (const line of loud)
      expect(rules.match(toRecord(JSON.stringify(line)))?.rule, JSON.stringify(line)).toBe('folder_missing');
  });

  it('a plain-text log without levels still counts; a JSON line is never continued', () => {
    expect(
      findings(
        "Error: ENOENT: no such file or directory, mkdir '/srv/media/a'",
        "Error: ENOENT: no such file or directory, mkdir '/srv/media/b'",
      ).map((f) => f?.target),
    ).toEqual(['/srv/media/a', '/srv/media/b']);
    const out = findings(
      '{"level":"INFO","msg":"video received","caption":"x"}',
      "Error: ENOENT: no such file or directory, mkdir '/srv/media/c'",
    );
    expect(out.map((f) => f?.target ?? null)).toEqual([null, '/srv/media/c']);
  });
});
