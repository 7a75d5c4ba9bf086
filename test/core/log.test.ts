// The log format of ARCHITECTURE.md ("Log format") on a real start, redaction of secrets, size rotation with
// retention through pino-roll, and a full disk under the log folder that must not take the process down.
import { lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { LOG_FILE_NAME, REDACTED, createLog } from '../../src/core/log.ts';
import { REPO, startService, tempDir } from '../support/service.ts';
import { runOnTinyDisk } from '../support/tiny-disk.ts';

const BOT_TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1';
const TOKEN_TAIL = 'AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1';
const TS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'];

interface LogLine {
  ts: string;
  level: string;
  component: string;
  app: string;
  msg: string;
  [field: string]: unknown;
}

/** The keys of a JSON object line's top level, in order, repeats included (JSON.parse keeps only the last). */
function topLevelKeys(line: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') {
      const start = i;
      for (i++; line[i] !== '"'; i++) if (line[i] === '\\') i++;
      if (depth === 1 && line[i + 1] === ':') keys.push(JSON.parse(line.slice(start, i + 1)) as string);
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return keys;
}

/** Parses one line as a log line in the documented format, failing with the line itself when it is not. */
function parseLine(line: string, where: string): LogLine {
  const keys = topLevelKeys(line);
  expect(
    keys.filter((k, i) => keys.indexOf(k) !== i),
    `${where}: keys written twice in ${line}`,
  ).toEqual([]);
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    throw new Error(`${where}: not a JSON line: ${line}`);
  }
  expect(obj, `${where}: ${line}`).toBeTypeOf('object');
  const rec = obj as LogLine;
  expect(rec.ts, `${where}: ts of ${line}`).toMatch(TS);
  expect(new Date(rec.ts).toISOString(), `${where}: ts is a real instant`).toBe(rec.ts);
  expect(LEVELS, `${where}: level of ${line}`).toContain(rec.level);
  expect(rec.app, `${where}: app of ${line}`).toBe('centinela');
  expect(typeof rec.component === 'string' && rec.component.length > 0, `${where}: component of ${line}`).toBe(true);
  expect(typeof rec.msg === 'string' && rec.msg.length > 0, `${where}: msg of ${line}`).toBe(true);
  return rec;
}

function fileLines(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  expect(text.endsWith('\n'), `${path} ends with a complete line`).toBe(true);
  return text.slice(0, -1).split('\n');
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('a real start', () => {
  test('every line on stdout and in logs/centinela.log is in the documented format, and the missing Telegram token is one clear WARN', async () => {
    const apiToken = 'api-token-secret-value-0123456789';
    // cleanEnv() in test/support/service.ts drops every TELEGRAM_* variable: the child has no bot token.
    const service = await startService({ env: { CENTINELA_LOG_LEVEL: 'debug', CENTINELA_API_TOKEN: apiToken } });
    let stopped: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    try {
      // Still running, and serving, after the warning.
      await service.waitForLine((l) => l.includes('centinela started'));
      const health = await fetch(`${service.url}/healthz`, { headers: { 'x-request-id': 'req-log-test-1' } });
      expect(health.status).toBe(200);
      // Secrets in a request URL reach the request log line only masked.
      const res = await fetch(`${service.url}/healthz?token=${BOT_TOKEN}&x=${apiToken}`, {
        headers: { 'x-request-id': 'req-log-test-2' },
      });
      expect(res.status).toBe(200);
      await service.waitForLine((l) => l.includes('req-log-test-2'));
    } finally {
      stopped = await service.stop('SIGTERM');
    }
    expect(stopped, service.stderr()).toEqual({ code: 0, signal: null });

    const stdout = service.lines.filter((l) => l !== '');
    expect(stdout.length).toBeGreaterThan(3);
    const records = stdout.map((l, i) => parseLine(l, `stdout line ${i + 1}`));

    const telegram = records.filter((r) => /telegram/i.test(r.msg) && /intake/i.test(r.msg));
    expect(telegram, 'lines about Telegram intake').toHaveLength(1);
    // The one WARN the README promises is the only one of a fresh start (none about our own log file).
    expect(records.filter((r) => r.level === 'WARN' || r.level === 'ERROR')).toEqual([telegram[0]]);
    expect(telegram[0]?.level).toBe('WARN');
    expect(telegram[0]?.msg).toMatch(/off/);
    expect(telegram[0]?.msg).toContain('TELEGRAM_BOT_TOKEN');

    // request_id where one applies: the HTTP request lines carry the id the client sent.
    const request = records.find((r) => r.request_id === 'req-log-test-1');
    expect(request, 'a log line for the request with its request_id').toBeDefined();
    expect(request?.level).toBe('DEBUG');
    const withSecrets = records.find((r) => r.request_id === 'req-log-test-2');
    expect(String(withSecrets?.url)).toContain(REDACTED);
    for (const line of stdout) {
      expect(line).not.toContain(TOKEN_TAIL);
      expect(line).not.toContain(apiToken);
    }
    expect(records.some((r) => r.msg === 'stopped')).toBe(true);

    // The file, read through the stable name, holds exactly the same lines.
    const link = join(service.cwd, 'logs', LOG_FILE_NAME);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toMatch(/^centinela\.\d+\.log$/);
    const inFile = fileLines(link);
    inFile.forEach((l, i) => parseLine(l, `logs/centinela.log line ${i + 1}`));
    expect(inFile).toEqual(stdout);
  });
});

describe('createLog', () => {
  test('secrets are redacted in messages, field values, secret-named fields at any depth, errors and known values', async () => {
    const dir = tempDir('centinela-log-');
    const stdout: string[] = [];
    const knownSecret = 'sk-live-known-secret-0001';
    const log = await createLog({
      level: 'debug',
      dir,
      stdout: false,
      rotate: { size: 10 * 2 ** 20, keep: 2 },
      secrets: [knownSecret],
      stdoutStream: { write: (line: string) => void stdout.push(line) },
    });
    const bot = log.for('bot', { request_id: 'u-8812', token: 'binding-secret-value-77' });
    bot.info(`downloading https://api.telegram.org/file/bot${BOT_TOKEN}/videos/file_1.mp4`);
    bot.info(
      { file_path: `/var/lib/telegram-bot-api/${BOT_TOKEN}/videos/file_1.mp4`, job_id: 'job-42' },
      'file received',
    );
    bot.info(
      {
        db: { password: 'db-password-value-88', host: 'db.internal' },
        openai: { api_key: 'sk-openai-field-value-99' },
        auth: { token: 'auth-token-field-value-11' },
        headers: [{ authorization: 'Bearer header-secret-value-22' }],
        apiKey: 'camel-case-key-value-33',
        database_url: 'postgres://centinela:url-password-value-44@db.internal:5432/centinela',
        job_id: 'job-43',
        keyframes: 12,
        usage: { prompt_tokens: 812, total_tokens: 900 },
      },
      'nested fields',
    );
    const err = new Error(`sendMessage failed for bot${BOT_TOKEN}`);
    bot.error({ err }, 'telegram call failed');
    bot.error(new Error(`getFile https://api.telegram.org/bot${BOT_TOKEN}/getFile: 404`));
    bot.warn({ note: `the key ${knownSecret} was rejected` }, `retrying with ${knownSecret} later`);
    await log.close();

    const text = readFileSync(join(dir, LOG_FILE_NAME), 'utf8');
    const secrets = [
      BOT_TOKEN,
      TOKEN_TAIL,
      'binding-secret-value-77',
      'db-password-value-88',
      'sk-openai-field-value-99',
      'auth-token-field-value-11',
      'header-secret-value-22',
      'camel-case-key-value-33',
      'url-password-value-44',
      knownSecret,
    ];
    for (const s of secrets) {
      expect(text, `the file contains ${s}`).not.toContain(s);
      expect(stdout.join(''), `stdout contains ${s}`).not.toContain(s);
    }
    expect(stdout.join('')).toBe(text);

    const records = fileLines(join(dir, LOG_FILE_NAME)).map((l, i) => parseLine(l, `line ${i + 1}`));
    expect(records.map((r) => r.msg)).toEqual([
      `downloading https://api.telegram.org/file/bot${REDACTED}/videos/file_1.mp4`,
      'file received',
      'nested fields',
      'telegram call failed',
      `getFile https://api.telegram.org/bot${REDACTED}/getFile: 404`,
      `retrying with ${REDACTED} later`,
    ]);
    const [download, received, nested, failed, thrown, known] = records;
    expect(download).toMatchObject({ component: 'bot', request_id: 'u-8812', token: REDACTED, level: 'INFO' });
    expect(received).toMatchObject({
      file_path: `/var/lib/telegram-bot-api/${REDACTED}/videos/file_1.mp4`,
      job_id: 'job-42',
    });
    expect(nested).toMatchObject({
      db: { password: REDACTED, host: 'db.internal' },
      openai: { api_key: REDACTED },
      auth: { token: REDACTED },
      headers: [{ authorization: REDACTED }],
      apiKey: REDACTED,
      database_url: `postgres://centinela:${REDACTED}@db.internal:5432/centinela`,
      job_id: 'job-43',
      keyframes: 12,
      usage: { prompt_tokens: 812, total_tokens: 900 },
    });
    const failedErr = failed?.err as { message: string; stack: string; type: string };
    expect(failed?.level).toBe('ERROR');
    expect(failedErr.type).toBe('Error');
    expect(failedErr.message).toBe(`sendMessage failed for bot${REDACTED}`);
    expect(failedErr.stack).toContain(`Error: sendMessage failed for bot${REDACTED}`);
    expect(failedErr.stack).toMatch(/\n\s+at /); // a real stack, not just the message
    const thrownErr = thrown?.err as { stack: string };
    expect(thrownErr.stack).toContain(`getFile https://api.telegram.org/bot${REDACTED}/getFile: 404`);
    expect(known?.note).toBe(`the key ${REDACTED} was rejected`);
  });

  test('a secret-named property of an error is redacted like any other field', async () => {
    const dir = tempDir('centinela-log-');
    const log = await createLog({ level: 'info', dir, stdout: false, rotate: { size: 10 * 2 ** 20, keep: 2 } });
    // HTTP client errors often carry the request, headers included.
    const err = Object.assign(new Error('request failed with status 401'), {
      status: 401,
      api_key: 'error-prop-api-key-55',
      request: { headers: { authorization: 'Bearer error-prop-bearer-66' } },
    });
    log.for('pipeline').error({ err }, 'vision call failed');
    // An error under another key, with a cause that carries a bot token.
    const wrapped = new Error('download failed', { cause: new Error(`GET /file/bot${BOT_TOKEN}/x.mp4: 502`) });
    log.for('bot').warn({ error: Object.assign(wrapped, { token: 'error-prop-token-77' }) }, 'will retry');
    await log.close();
    const text = readFileSync(join(dir, LOG_FILE_NAME), 'utf8');
    for (const s of ['error-prop-api-key-55', 'error-prop-bearer-66', 'error-prop-token-77', TOKEN_TAIL])
      expect(text).not.toContain(s);
    const [rec, retry] = fileLines(join(dir, LOG_FILE_NAME)).map((l) => parseLine(l, 'error line'));
    expect(rec?.err).toMatchObject({
      type: 'Error',
      message: 'request failed with status 401',
      status: 401,
      api_key: REDACTED,
      request: { headers: { authorization: REDACTED } },
    });
    expect((rec?.err as { stack: string }).stack).toMatch(/^Error: request failed with status 401\n\s+at /);
    expect(retry?.error).toMatchObject({
      type: 'Error',
      message: `download failed: GET /file/bot${REDACTED}/x.mp4: 502`,
      token: REDACTED,
    });
  });

  test('a cyclic object is logged without a crash and without leaking the secret-named field of the cycle', async () => {
    const dir = tempDir('centinela-log-');
    const log = await createLog({ level: 'info', dir, stdout: false, rotate: { size: 10 * 2 ** 20, keep: 2 } });
    const conn: Record<string, unknown> = { host: 'db.internal', password: 'cyclic-password-value-77' };
    conn.self = conn;
    const shared = { region: 'mx' };
    log.for('store').info({ conn, a: shared, b: shared }, 'connected');
    await log.close();
    const text = readFileSync(join(dir, LOG_FILE_NAME), 'utf8');
    expect(text).not.toContain('cyclic-password-value-77');
    const [rec] = fileLines(join(dir, LOG_FILE_NAME)).map((l) => parseLine(l, 'cyclic line'));
    expect(rec).toMatchObject({
      conn: { host: 'db.internal', password: REDACTED, self: '[Circular]' },
      a: { region: 'mx' },
      b: { region: 'mx' },
    });
  });

  test('a child that names its own component writes component once, its own; other bindings are kept', async () => {
    const lines: string[] = [];
    const log = await createLog({
      level: 'debug',
      dir: null,
      stdout: false,
      rotate: { size: 10 * 2 ** 20, keep: 2 },
      stdoutStream: { write: (l: string) => void lines.push(l) },
    });
    const monitor = log.for('monitor', { request_id: 'r-1' });
    monitor.child({ component: 'monitor.tail', file: '/var/log/a.log' }).warn('missing');
    monitor
      .child({ component: 'monitor.tail' })
      .child({ component: 'monitor.tail.rotate', token: 'child-secret-token-value' })
      .info('rotated');
    monitor.child({ file: '/var/log/b.log' }).info('plain child');
    await log.close();
    const records = lines.map((l, i) => parseLine(l.trim(), `line ${i + 1}`));
    expect(records.map((r) => [r.level, r.component, r.request_id, r.file, r.msg])).toEqual([
      ['WARN', 'monitor.tail', 'r-1', '/var/log/a.log', 'missing'],
      ['INFO', 'monitor.tail.rotate', 'r-1', undefined, 'rotated'],
      ['INFO', 'monitor', 'r-1', '/var/log/b.log', 'plain child'],
    ]);
    expect(records[1]?.token).toBe(REDACTED);
  });

  test('the level names are DEBUG, INFO, WARN and ERROR, and lines below the level are not written', async () => {
    const dir = tempDir('centinela-log-');
    const log = await createLog({ level: 'info', dir, stdout: false, rotate: { size: 10 * 2 ** 20, keep: 2 } });
    const l = log.for('levels');
    l.debug('not written');
    l.info('i');
    l.warn('w');
    l.error('e');
    l.fatal('f');
    await log.close();
    const records = fileLines(join(dir, LOG_FILE_NAME)).map((line) => parseLine(line, 'levels'));
    expect(records.map((r) => [r.level, r.msg])).toEqual([
      ['INFO', 'i'],
      ['WARN', 'w'],
      ['ERROR', 'e'],
      ['ERROR', 'f'],
    ]);
  });

  test('rotates by size, keeps `keep` old files, and centinela.log links to the newest', async () => {
    const dir = tempDir('centinela-log-');
    const keep = 2;
    const log = await createLog({
      level: 'info',
      dir,
      stdout: false,
      rotate: { size: 1024, keep },
      stdoutStream: { write: () => {} },
    });
    const l = log.for('rotation');
    let seq = 0;
    const pad = 'r'.repeat(120);
    for (let batch = 0; batch < 20; batch++) {
      for (let i = 0; i < 4; i++) l.info({ seq: seq++, pad }, 'filler');
      // pino-roll decides to roll once a write has completed: let the writes finish between batches.
      await pause(10);
    }
    l.info({ seq: seq++ }, 'last line');
    await log.close();
    // pino-roll removes the old files asynchronously after a roll; wait for that to settle.
    const numbered = (): string[] => readdirSync(dir).filter((f) => /^centinela\.\d+\.log$/.test(f));
    for (let i = 0; i < 100 && numbered().length > keep + 1; i++) await pause(20);

    const files = numbered().sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
    const total = seq * 200; // far more than 1k per file: many rotations happened
    expect(total).toBeGreaterThan(10 * 1024);
    expect(files.length, files.join(', ')).toBeGreaterThanOrEqual(2);
    expect(files.length, files.join(', ')).toBeLessThanOrEqual(keep + 1);
    const highest = files[files.length - 1];
    expect(Number(highest?.split('.')[1])).toBeGreaterThan(keep + 1); // numbering went on, old files were removed
    expect(lstatSync(join(dir, LOG_FILE_NAME)).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, LOG_FILE_NAME))).toBe(highest);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const current = fileLines(join(dir, LOG_FILE_NAME)).map((line) => parseLine(line, 'current file'));
    expect(current[current.length - 1]).toMatchObject({ msg: 'last line', seq: seq - 1 });
    // The kept files, oldest first, hold the newest lines in order, without gaps, ending with the last one.
    const kept = files.flatMap((f) => fileLines(join(dir, f)).map((line) => parseLine(line, f).seq as number));
    expect(kept[kept.length - 1]).toBe(seq - 1);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => seq - kept.length + i));
  });
});

describe('a full disk under the log folder', () => {
  test('does not crash the process: the file stops, stdout goes on', async () => {
    const dir = tempDir('centinela-diskfull-');
    const {
      code,
      stdout: out,
      stderr: err,
    } = await runOnTinyDisk('64k', dir, join(REPO, 'test/support/log-disk-full-child.ts'));
    expect(
      code,
      `unshare + child failed (user namespaces may be disabled)\nstderr:\n${err}\nstdout tail:\n${out.slice(-2000)}`,
    ).toBe(0);

    const lines = out.split('\n').filter((l) => l !== '');
    expect(lines[lines.length - 1]).toBe('survived');
    const probeLine = lines.find((l) => l.startsWith('{"probe":"disk-full"'));
    expect(probeLine, 'the child reports on its log file').toBeDefined();
    const report = JSON.parse(probeLine ?? '{}') as { fsBytes: number; fileBytes: number; problem: string | null };
    // The folder really was the 64k tmpfs, and it really filled up.
    expect(report.fsBytes).toBe(64 * 1024);
    expect(report.problem).toMatch(/ENOSPC/);
    expect(report.fileBytes).toBeLessThanOrEqual(64 * 1024);

    const logged = lines.filter((l) => l.startsWith('{') && l !== probeLine).map((l) => parseLine(l, 'child stdout'));
    const filler = logged.filter((r) => r.msg === 'filler').map((r) => r.i);
    expect(filler).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    const stdoutBytes = lines.filter((l) => l.includes('"msg":"filler"')).reduce((n, l) => n + l.length + 1, 0);
    expect(stdoutBytes).toBeGreaterThan(10 * report.fileBytes); // most lines only reached stdout
    expect(logged[logged.length - 1]).toMatchObject({ msg: 'survived', level: 'INFO' });
  });
});
