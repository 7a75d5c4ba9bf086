// `centinela logs`: reads centinela.N.log oldest first, prints readable lines, filters by level, component and
// time, --json keeps the lines; a line that is not ours is shown as it is; --follow moves on across a rotation.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, cleanEnv, runCli, tempDir } from '../support/service.ts';
import { eventually } from '../support/stores.ts';

const line = (ts: string, level: string, component: string, msg: string, extra: Record<string, unknown> = {}) =>
  `${JSON.stringify({ ts, level, component, app: 'centinela', msg, ...extra })}\n`;

function logsDir(): { cwd: string; dir: string } {
  const cwd = tempDir('centinela-logs-');
  const dir = join(cwd, 'logs');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'centinela.1.log'),
    line('2026-01-05T14:30:20.123Z', 'INFO', 'bot', 'video received', { request_id: 'u-8812', model: 'victor' }) +
      'not json at all {\n' +
      line('2026-01-05T14:31:00.000Z', 'WARN', 'monitor.tail', 'file not there yet', { file: '/srv/a b.log' }),
  );
  writeFileSync(
    join(dir, 'centinela.2.log'),
    line('2026-01-06T09:00:00.000Z', 'ERROR', 'queue', 'job is dead: out of attempts', {
      job_id: 42,
      err: { type: 'TypeError', message: 'boom', stack: 'TypeError: boom\n    at x' },
    }),
  );
  symlinkSync('centinela.2.log', join(dir, 'centinela.log'));
  return { cwd, dir };
}

describe('centinela logs', () => {
  it('prints every file oldest first, readably, a foreign line as it is', async () => {
    const { cwd } = logsDir();
    const r = await runCli(['logs'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      '2026-01-05 14:30:20.123 INFO  bot: video received request_id=u-8812 model=victor',
      'not json at all {',
      '2026-01-05 14:31:00.000 WARN  monitor.tail: file not there yet file="/srv/a b.log"',
      '2026-01-06 09:00:00.000 ERROR queue: job is dead: out of attempts err="TypeError: boom" job_id=42',
      '',
    ]);
  });

  it('filters by level, component (with its children) and time; --json keeps the lines', async () => {
    const { cwd } = logsDir();
    const warn = await runCli(['logs', '--level', 'warn', '--json'], { cwd });
    const shown = warn.stdout.trim().split('\n');
    expect(shown.filter((l) => l.startsWith('{')).map((l) => (JSON.parse(l) as { level: string }).level)).toEqual([
      'WARN',
      'ERROR',
    ]);
    const monitor = await runCli(['logs', '--component', 'monitor'], { cwd });
    expect(monitor.stdout).toContain('monitor.tail: file not there yet');
    expect(monitor.stdout).not.toContain('bot:');
    const since = await runCli(['logs', '--since', '2026-01-06'], { cwd });
    expect(since.stdout).toContain('queue: job is dead');
    expect(since.stdout).not.toContain('video received');
    const bad = await runCli(['logs', '--level', 'loud'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--level loud: use one of debug, info, warn, error');
  });

  it('--follow prints new lines and goes on into the next file after a rotation', async () => {
    const { cwd, dir } = logsDir();
    const child = spawn(process.execPath, [CLI, 'logs', '--follow'], {
      cwd,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await eventually(() => out.includes('job is dead'), 'the existing lines', 30_000);
      appendFileSync(join(dir, 'centinela.2.log'), line('2026-01-06T09:00:01.000Z', 'INFO', 'bot', 'second'));
      await eventually(() => out.includes('bot: second'), 'an appended line', 30_000);
      // pino-roll: a last line into the old file, then the next number.
      appendFileSync(join(dir, 'centinela.2.log'), line('2026-01-06T09:00:02.000Z', 'INFO', 'bot', 'last of two'));
      writeFileSync(join(dir, 'centinela.3.log'), line('2026-01-06T09:00:03.000Z', 'INFO', 'bot', 'first of three'));
      await eventually(() => out.includes('first of three'), 'the line of the new file', 30_000);
      expect(out.indexOf('last of two')).toBeGreaterThan(0);
      expect(out.indexOf('last of two')).toBeLessThan(out.indexOf('first of three'));
    } finally {
      child.kill('SIGKILL');
    }
  }, 90_000);
});
