// Real errors, really caused in a Node child process and logged the ways Node programs log them (console.error of
// the error, and pino's JSON), go through the tailer's record assembler and the shipped rules: each is caught, and
// the same errors logged as handled at INFO are not (issue 11.9). Python's are recorded samples in config/rules.yaml.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHIPPED_RULES, loadRules } from '../../../src/monitor/rules/index.ts';
import { RecordAssembler } from '../../../src/monitor/tail/records.ts';
import { tempDir } from '../../support/service.ts';

const SCRIPT = `
const { createRequire } = require('node:module');
const net = require('node:net');
const fs = require('node:fs');
const pino = createRequire(process.argv[2])('pino');
const log = pino({ base: null }, pino.destination(1));
const report = (err) => { console.error(err); log.error({ err }, 'sync failed'); log.info({ err }, 'handled; will retry'); };
(async () => {
  const closed = await new Promise((r) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });
  const hang = net.createServer(() => {});
  await new Promise((r) => hang.listen(0, '127.0.0.1', r));
  try { await fetch('http://127.0.0.1:' + closed + '/items'); } catch (err) { report(err); }
  try { await fetch('http://127.0.0.1:' + hang.address().port + '/items', { signal: AbortSignal.timeout(100) }); } catch (err) { report(err); }
  try { fs.mkdirSync(process.argv[3] + '/gone/2026-01'); } catch (err) { report(err); }
  hang.close();
})();
`;

const rules = loadRules(SHIPPED_RULES);

function rulesOf(text: string): string[] {
  const a = new RecordAssembler('f', 'app.log', /^\S/, 65_536);
  let at = 0;
  for (const line of text.split('\n')) {
    a.line(line, at, at + line.length + 1);
    at += line.length + 1;
  }
  a.flush();
  return a.out.flatMap((e) => {
    const f = rules.match(e.record);
    return f ? [`${f.rule} ${f.target}`] : [];
  });
}

describe('real Node errors, caused in a child process', () => {
  it('fetch ECONNREFUSED (cause on later lines), fetch timeout and ENOENT are caught in console and pino form; INFO ones are not', () => {
    const dir = tempDir('centinela-real-errors-');
    const script = join(dir, 'errors.cjs');
    writeFileSync(script, SCRIPT);
    const run = spawnSync(process.execPath, [script, resolve('package.json'), dir], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(0);
    const pinoFound = rulesOf(run.stdout);
    expect(run.stdout).toContain('"level":30'); // the INFO copies were written
    expect(pinoFound.filter((r) => r.startsWith('connection_refused 127.0.0.1:'))).toHaveLength(1);
    expect(pinoFound.filter((r) => r.startsWith('request_timeout'))).toHaveLength(1);
    expect(pinoFound.filter((r) => r === `folder_missing ${join(dir, 'gone', '2026-01')}`)).toHaveLength(1);
    expect(pinoFound).toHaveLength(3); // none of the INFO copies
    // console.error of the same errors: the cause on the lines after "TypeError: fetch failed".
    const consoleFound = rulesOf(run.stderr);
    expect(consoleFound.filter((r) => r.startsWith('connection_refused 127.0.0.1:'))).toHaveLength(1);
    expect(consoleFound.filter((r) => r.startsWith('request_timeout'))).toHaveLength(1);
    expect(consoleFound.filter((r) => r === `folder_missing ${join(dir, 'gone', '2026-01')}`)).toHaveLength(1);
  });
});
