// How rules match records: anchoring, the JSON text view and the user-text guard, conditions, ignores, captures,
// targets, rule order, and the finding each match yields.
import { describe, expect, it } from 'vitest';
import { parseRules, regexSources, toRecord } from '../../../src/monitor/rules/index.ts';
import type { RuleSet } from '../../../src/monitor/rules/index.ts';

/** A rules file with one rule; `body` is the rule's YAML after its id (indented by four spaces). */
function oneRule(body: string, top = ''): RuleSet {
  return parseRules(`${top}\nrules:\n  - id: r\n    description: test rule\n${body}`, 'test.yaml');
}

const match = (set: RuleSet, line: string, source?: string) => set.match(toRecord(line, source));

describe('toRecord', () => {
  it('parses one JSON object a line and leaves everything else as text', () => {
    expect(toRecord('{"level":"ERROR","msg":"x"}\n', 'a.log')).toEqual({
      source: 'a.log',
      text: '{"level":"ERROR","msg":"x"}',
      json: { level: 'ERROR', msg: 'x' },
    });
    expect(toRecord('  {"a":1}  \r\n').json).toEqual({ a: 1 });
    expect(toRecord('["an","array"]').json).toBeNull();
    expect(toRecord('{"broken":').json).toBeNull();
    expect(toRecord('{} trailing').json).toBeNull();
    expect(toRecord('plain text').json).toBeNull();
  });
});

describe('anchoring', () => {
  const set = oneRule(`    match: 'ERROR disk (?<path>/\\S+)'\n    samples: {match: ['ERROR disk /a']}`);

  it('matches only from the start of a text record', () => {
    expect(match(set, 'ERROR disk /srv')?.fields).toEqual({ path: '/srv' });
    expect(match(set, 'user wrote: ERROR disk /srv')).toBeNull();
    expect(match(set, ' ERROR disk /srv')).toBeNull();
  });

  it('matches from the start of each field of a JSON record’s text view', () => {
    expect(match(set, '{"level":"ERROR","msg":"ERROR disk /srv"}')?.fields).toEqual({ path: '/srv' });
    expect(match(set, '{"level":"ERROR","msg":"oops","err":{"message":"ERROR disk /e"}}')?.fields).toEqual({
      path: '/e',
    });
    expect(match(set, '{"level":"ERROR","msg":"seen ERROR disk /srv"}')).toBeNull();
  });

  it('expands defines, and gives the anchored sources to tools that need them', () => {
    const set = oneRule(
      `    match: ['{{lvl}} (?<n>\\d+)', {fields: {level: ERROR}}]\n    samples: {match: ['ERROR 1']}`,
      "define: {lvl: 'ERROR|WARN'}",
    );
    expect(regexSources(set)).toEqual(['^(?:(?:ERROR|WARN) (?<n>\\d+))']);
    expect(match(set, 'WARN 7')?.fields).toEqual({ n: '7' });
  });

  it('keeps an alternation inside the anchor, and a leading ^ changes nothing', () => {
    const alt = oneRule(`    match: ['^a|b']\n    samples: {match: [a, b]}`);
    expect(match(alt, 'b')).not.toBeNull();
    expect(match(alt, 'xb')).toBeNull();
    expect(match(alt, 'xa')).toBeNull();
  });
});

describe('what users typed is never matched as an error', () => {
  const set = oneRule(
    `    match: '(?:Error: )?EACCES: permission denied, \\w+ ''(?<path>/[^'']+)'''\n    samples: {match: ["Error: EACCES: permission denied, open '/x'"]}`,
  );

  it('ignores captions, texts and file names in JSON records, at any level', () => {
    const fields = ['caption', 'text', 'file_name', 'message', 'title', 'username'];
    for (const field of fields) {
      expect(
        match(
          set,
          JSON.stringify({
            level: 'ERROR',
            msg: 'update handler failed',
            [field]: "EACCES: permission denied, open '/etc/shadow'",
          }),
        ),
      ).toBeNull();
    }
    // The same words in the error field are an error.
    expect(
      match(
        set,
        JSON.stringify({ level: 'ERROR', msg: 'failed', error: "EACCES: permission denied, open '/etc/shadow'" }),
      )?.fields,
    ).toEqual({ path: '/etc/shadow' });
  });

  it('does not look inside nested user data either', () => {
    expect(
      match(
        set,
        JSON.stringify({
          level: 'ERROR',
          msg: 'x',
          update: { message: { text: "EACCES: permission denied, open '/a'" } },
        }),
      ),
    ).toBeNull();
  });

  it('refuses rules that would read user text', () => {
    expect(() =>
      oneRule(`    match: {fields: {caption: '/.*denied/'}}\n    samples: {match: ['{"caption":"denied"}']}`),
    ).toThrow(/caption" carries what users typed/);
    expect(() => oneRule(`    match: x\n    capture: {who: update.message.text}\n    samples: {match: [x]}`)).toThrow(
      /"message" carries what users typed/,
    );
  });

  it('reads the fields of err, which is error data, whatever their names', () => {
    const set = oneRule(
      `    match: {fields: {err.name: HttpError}}\n    capture: {detail: err.message}\n    samples: {match: [{line: '{"err":{"name":"HttpError","message":"down"}}', fields: {detail: down}}]}`,
    );
    expect(match(set, '{"err":{"name":"HttpError","message":"refused"}}')?.fields).toEqual({ detail: 'refused' });
  });
});

describe('JSON conditions', () => {
  const set = oneRule(
    [
      '    match:',
      '      - fields: {component: queue, level: [WARN, ERROR], attempt: 3, err.code: ENOENT, msg: "/job (?<outcome>failed|is dead)/"}',
      '    samples: {match: [\'{"component":"queue","level":"WARN","attempt":3,"err":{"code":"ENOENT"},"msg":"job failed"}\']}',
    ].join('\n'),
  );
  const base = {
    component: 'queue',
    level: 'ERROR',
    attempt: 3,
    err: { code: 'ENOENT' },
    msg: 'job is dead: out of attempts',
  };

  it('needs every condition: equality, any of a list, numbers, nested paths and anchored regexes', () => {
    expect(match(set, JSON.stringify(base))?.fields).toEqual({ outcome: 'is dead' });
    expect(match(set, JSON.stringify({ ...base, component: 'bot' }))).toBeNull();
    expect(match(set, JSON.stringify({ ...base, level: 'INFO' }))).toBeNull();
    expect(match(set, JSON.stringify({ ...base, attempt: 2 }))).toBeNull();
    expect(match(set, JSON.stringify({ ...base, attempt: '3' }))).not.toBeNull();
    expect(match(set, JSON.stringify({ ...base, err: { code: 'EACCES' } }))).toBeNull();
    expect(match(set, JSON.stringify({ ...base, err: 'ENOENT' }))).toBeNull();
    expect(match(set, JSON.stringify({ ...base, msg: 'the job failed' }))).toBeNull();
    expect(match(set, JSON.stringify({ ...base, msg: undefined }))).toBeNull();
  });

  it('never applies to text records', () => {
    expect(match(set, 'component: queue level: ERROR job failed')).toBeNull();
  });

  it('lets conditions choose any level, while bare regexes skip JSON records below min_level', () => {
    const levels = oneRule(`    match: 'boom'\n    samples: {match: [boom]}`, 'min_level: ERROR');
    expect(match(levels, '{"level":"ERROR","msg":"boom"}')).not.toBeNull();
    expect(match(levels, '{"level":"WARN","msg":"boom"}')).toBeNull();
    expect(match(levels, '{"level":50,"msg":"boom"}')).not.toBeNull(); // pino's numbers
    expect(match(levels, '{"level":30,"msg":"boom"}')).toBeNull();
    expect(match(levels, '{"msg":"boom"}')).not.toBeNull(); // no level: not skipped
    const info = oneRule(
      `    match: {fields: {level: INFO}, regex: boom}\n    samples: {match: ['{"level":"INFO","msg":"boom"}']}`,
      'min_level: ERROR',
    );
    expect(match(info, '{"level":"INFO","msg":"boom"}')).not.toBeNull();
  });

  it('tests the record source, capturing from it', () => {
    const src = oneRule(
      `    match: {source: 'docker:(?<container>bot-api\\w*)', regex: FATAL}\n    samples: {match: [{line: FATAL, source: docker:bot-api}]}`,
    );
    expect(match(src, 'FATAL x', 'docker:bot-api2')?.fields).toEqual({ container: 'bot-api2' });
    expect(match(src, 'FATAL x', 'docker:nginx')).toBeNull();
  });
});

describe('ignore', () => {
  const rules = `
ignore:
  - fields: {component: '/monitor.*/'}
rules:
  - id: first
    description: d
    match: 'ERROR (?<what>\\w+)'
    ignore: ['ERROR harmless', {fields: {component: tests}}]
    samples: {match: ['ERROR x']}
  - id: second
    description: d
    match: 'ERROR harmless'
    samples: {match: ['ERROR harmless']}
`;
  const set = parseRules(rules, 'ignore.yaml');

  it('a rule’s ignore stops that rule only; a later rule may take the record', () => {
    expect(match(set, 'ERROR bad')?.rule).toBe('first');
    expect(match(set, 'ERROR harmless')?.rule).toBe('second');
    expect(match(set, '{"level":"ERROR","component":"tests","msg":"ERROR boom"}')).toBeNull();
    expect(match(set, '{"level":"ERROR","component":"bot","msg":"ERROR boom"}')?.rule).toBe('first');
  });

  it('the top-level ignore wins over every rule', () => {
    expect(match(set, '{"level":"ERROR","component":"monitor.incidents","msg":"ERROR harmless"}')).toBeNull();
    expect(match(set, '{"level":"ERROR","component":"monitor","msg":"ERROR boom"}')).toBeNull();
  });

  it('ignores apply at any level, even when min_level would skip their bare regexes', () => {
    const s = oneRule(
      `    match: {fields: {level: INFO}, regex: 'boom'}\n    ignore: ['boom quietly']\n    samples: {match: ['{"level":"INFO","msg":"boom"}']}`,
    );
    expect(match(s, '{"level":"INFO","msg":"boom quietly"}')).toBeNull();
  });
});

describe('captures, target and the finding', () => {
  it('copies JSON fields by path, as text; named groups win', () => {
    const set = oneRule(
      `    match: {fields: {level: ERROR}, regex: 'failed(?: for (?<model>\\w+))?'}\n    capture: {job_id: job_id, model: model, code: err.code}\n    samples: {match: ['{"level":"ERROR","msg":"failed"}']}`,
    );
    const f = match(set, '{"level":"ERROR","msg":"failed for ana","job_id":42,"model":"victor","err":{"code":"EIO"}}');
    expect(f?.fields).toEqual({ job_id: '42', model: 'ana', code: 'EIO' });
    expect(match(set, '{"level":"ERROR","msg":"failed","model":"victor","err":{}}')?.fields).toEqual({
      model: 'victor',
    });
    // A sample may write an expected number bare: fields are compared as text.
    expect(() =>
      oneRule(
        `    match: {fields: {level: ERROR}}\n    capture: {job_id: job_id}\n    samples: {match: [{line: '{"level":"ERROR","job_id":42}', fields: {job_id: 42}, target: 42}]}`,
      ),
    ).not.toThrow();
  });

  it('builds the target from the template, else from path, job_id, container, video, model, else the rule id', () => {
    const template = oneRule(
      `    match: 'x (?<path>/\\S+)(?: (?<video>\\S+))?'\n    target: 'file:{path}:{video}'\n    samples: {match: [{line: 'x /a b', target: 'file:/a:b'}]}`,
    );
    expect(match(template, 'x /a b')?.target).toBe('file:/a:b');
    expect(match(template, 'x /a')?.target).toBe('/a'); // {video} missing: the default
    const byDefault = oneRule(
      `    match: 'x(?: job (?<job_id>\\d+))?(?: model (?<model>\\w+))?(?: path (?<path>\\S+))?'\n    samples: {match: [x]}`,
    );
    expect(match(byDefault, 'x job 4 model v path /p')?.target).toBe('/p');
    expect(match(byDefault, 'x job 4 model v')?.target).toBe('4');
    expect(match(byDefault, 'x model v')?.target).toBe('v');
    expect(match(byDefault, 'x')?.target).toBe('r');
  });

  it('yields the rule’s type, severity, action and notify, and a one-line message without secrets', () => {
    const set = oneRule(
      [
        "    match: 'ERROR download (?<path>\\S+)'",
        '    error_type: download_failed',
        '    severity: critical',
        '    action: {type: quarantine_refetch, attempts: 3, backoff: [1s, 2s, 500ms]}',
        "    samples: {match: ['ERROR download /x']}",
      ].join('\n'),
    );
    const token = `123456789:${'A'.repeat(35)}`;
    const f = match(set, `ERROR download /var/lib/telegram-bot-api/${token}/videos/file_1.mp4\n    at stack line`);
    expect(f).toEqual({
      rule: 'r',
      errorType: 'download_failed',
      severity: 'critical',
      target: '/var/lib/telegram-bot-api/[redacted]/videos/file_1.mp4',
      message: 'ERROR download /var/lib/telegram-bot-api/[redacted]/videos/file_1.mp4',
      fields: { path: '/var/lib/telegram-bot-api/[redacted]/videos/file_1.mp4' },
      action: { type: 'quarantine_refetch', params: {}, attempts: 3, backoffMs: [1000, 2000, 500] },
      notify: 'on_failure',
    });
    expect(oneRule('    match: x\n    samples: {match: [x]}').rules[0]).toMatchObject({
      errorType: 'r',
      severity: 'warning',
      notify: 'always',
      action: null,
    });
  });

  it('joins message and error of a JSON record into the finding’s message', () => {
    const set = oneRule("    match: 'EIO'\n    samples: {match: [EIO]}");
    expect(
      match(set, '{"level":"ERROR","msg":"cannot read","err":{"message":"EIO: i/o error","code":"EIO"}}')?.message,
    ).toBe('cannot read: EIO: i/o error');
  });
});

describe('rule order', () => {
  it('returns the first matching rule in file order', () => {
    const set = parseRules(
      `rules:\n  - {id: a, description: d, match: 'ERROR disk', samples: {match: ['ERROR disk']}}\n  - {id: b, description: d, match: 'ERROR', samples: {match: ['ERROR other']}}\n`,
      'order.yaml',
    );
    expect(match(set, 'ERROR disk full')?.rule).toBe('a');
    expect(match(set, 'ERROR net')?.rule).toBe('b');
    expect(match(set, 'INFO fine')).toBeNull();
    expect(set.rules.map((r) => r.id)).toEqual(['a', 'b']);
  });
});
