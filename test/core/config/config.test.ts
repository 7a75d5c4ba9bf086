// loadConfig: defaults → YAML file → CENTINELA_<SECTION>_<KEY>, secrets only from the environment, and every
// bad input reported at once with the key, the (masked) value, what is expected and a suggestion.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CONFIG_EXIT_CODE, ConfigError, configSchema, describeSettings, loadConfig } from '../../../src/core/config.ts';
import { runCli, tempDir } from '../../support/service.ts';

const BOT_TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1';
const DB_PASSWORD = 'Hunter2-db-secret-0192';

/** A temp folder with config/centinela.yaml holding `yaml` (or no file when undefined). */
function project(yaml?: string): string {
  const cwd = tempDir('centinela-config-');
  if (yaml !== undefined) {
    mkdirSync(join(cwd, 'config'), { recursive: true });
    writeFileSync(join(cwd, 'config/centinela.yaml'), yaml);
  }
  return cwd;
}

/** Runs loadConfig expecting a ConfigError and returns it. */
function configError(options: Parameters<typeof loadConfig>[0]): ConfigError {
  try {
    loadConfig(options);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('loadConfig accepted a configuration it should have rejected');
}

describe('loadConfig', () => {
  test('without a file or environment every setting has its default and paths resolve against cwd', () => {
    const cwd = project();
    const { config, secrets, file } = loadConfig({ cwd, env: {} });
    expect(file).toBeNull();
    expect(secrets).toEqual({});
    const defaults = configSchema.parse({});
    expect(config).toEqual({
      ...defaults,
      paths: { ...defaults.paths, data: join(cwd, 'data'), logs: join(cwd, 'logs'), media: join(cwd, 'media') },
    });
    expect(config.http).toEqual({ host: '127.0.0.1', port: 8787 });
    expect(config.shutdown.timeout_seconds).toBe(30);
  });

  test('config/centinela.yaml overrides the defaults, key by key', () => {
    const cwd = project(
      ['http:', '  port: 9100', 'log:', '  rotate:', '    size: 5m', 'paths:', '  data: /srv/centinela/data', ''].join(
        '\n',
      ),
    );
    const { config, file } = loadConfig({ cwd, env: {} });
    expect(file).toBe(join(cwd, 'config/centinela.yaml'));
    expect(config.http.port).toBe(9100);
    expect(config.http.host).toBe('127.0.0.1'); // untouched key of a touched section keeps its default
    expect(config.log.rotate).toEqual({ size: 5 * 2 ** 20, keep: 10 }); // sizes come in bytes
    expect(config.paths.data).toBe('/srv/centinela/data');
    expect(config.paths.logs).toBe(join(cwd, 'logs'));
  });

  test('an empty file is the same as no file', () => {
    const cwd = project('# nothing set yet\n');
    expect(loadConfig({ cwd, env: {} }).config.http.port).toBe(8787);
  });

  test('CENTINELA_<SECTION>_<KEY> overrides the file, with YAML scalar types', () => {
    const cwd = project(
      [
        'http:',
        '  port: 9100',
        '  host: 0.0.0.0',
        'log:',
        '  rotate:',
        '    size: 5m',
        'shutdown:',
        '  timeout_seconds: 5',
        '',
      ].join('\n'),
    );
    const { config } = loadConfig({
      cwd,
      env: {
        CENTINELA_HTTP_PORT: '9200',
        CENTINELA_LOG_ROTATE_SIZE: '20m',
        CENTINELA_SHUTDOWN_TIMEOUT_SECONDS: '45',
        CENTINELA_LOG_STDOUT: 'false',
        CENTINELA_LOG_LEVEL: 'debug',
        // Not settings although they start with CENTINELA_: must not be reported as unknown.
        CENTINELA_API_TOKEN: 'api-token-from-env-123',
      },
    });
    expect(config.http).toEqual({ host: '0.0.0.0', port: 9200 });
    expect(config.log.rotate.size).toBe(20 * 2 ** 20);
    expect(config.log.stdout).toBe(false);
    expect(config.log.level).toBe('debug');
    expect(config.shutdown.timeout_seconds).toBe(45);
  });

  test('every setting of describeSettings() is reachable through its environment variable', () => {
    const cwd = project();
    const settings = describeSettings();
    const env = Object.fromEntries(settings.map((s) => [s.env, otherValue(s.key, s.default)]));
    const { config } = loadConfig({ cwd, env });
    for (const s of settings) {
      const got = s.key.split('.').reduce<unknown>((obj, k) => (obj as Record<string, unknown>)[k], config);
      const want = otherValue(s.key, s.default);
      // Sizes and durations come back parsed (bytes, milliseconds), as the setting's own schema reads what was set.
      const parsed: unknown = leafSchema(s.key).parse(parseYaml(want));
      // Lists and mappings come back with their items' defaults filled in: what was set must be there.
      if (Array.isArray(s.default)) expect(got, s.env).toMatchObject(parsed as unknown[]);
      else if (typeof s.default === 'object' && s.default !== null) expect(got, s.env).toEqual(parseYaml(want));
      else expect(String(got), s.env).toBe(String(parsed));
      expect(s.env).toBe(`CENTINELA_${s.key.replaceAll('.', '_').toUpperCase()}`);
    }
  });

  test('--config FILE (relative to cwd) is read instead of config/centinela.yaml', () => {
    const cwd = project('http:\n  port: 9100\n');
    writeFileSync(join(cwd, 'other.yaml'), 'http:\n  port: 9300\n');
    const { config, file } = loadConfig({ cwd, env: {}, file: 'other.yaml' });
    expect(file).toBe(join(cwd, 'other.yaml'));
    expect(config.http.port).toBe(9300);
  });

  test('CENTINELA_CONFIG names the file when there is no --config, and --config wins over it', () => {
    const cwd = project('http:\n  port: 9100\n');
    writeFileSync(join(cwd, 'env.yaml'), 'http:\n  port: 9400\n');
    writeFileSync(join(cwd, 'flag.yaml'), 'http:\n  port: 9500\n');
    expect(loadConfig({ cwd, env: { CENTINELA_CONFIG: 'env.yaml' } }).config.http.port).toBe(9400);
    expect(loadConfig({ cwd, env: { CENTINELA_CONFIG: 'env.yaml' }, file: 'flag.yaml' }).config.http.port).toBe(9500);
  });

  test('an explicit file that does not exist is an error naming the path, not a silent fallback', () => {
    const cwd = project('http:\n  port: 9100\n');
    const err = configError({ cwd, env: {}, file: 'missing.yaml' });
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toContain(join(cwd, 'missing.yaml'));
    expect(err.problems[0]).toMatch(/does not exist/);
    expect(err.problems[0]).toContain('centinela.example.yaml');
  });

  test('invalid YAML is an error naming the file', () => {
    const cwd = project('http:\n  port: [9100\n  host: x\n');
    const err = configError({ cwd, env: {} });
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toContain(join(cwd, 'config/centinela.yaml'));
    expect(err.problems[0]).toMatch(/not valid YAML/);
  });

  test('a top level that is not a mapping is an error', () => {
    const cwd = project('- http\n- log\n');
    const err = configError({ cwd, env: {} });
    expect(err.problems.join('\n')).toMatch(/expected a mapping/);
  });

  test('an unknown key in the file gets "did you mean" with the closest known key', () => {
    const cwd = project(
      [
        'http:',
        '  prot: 9100',
        'log:',
        '  rotate:',
        '    sise: 5m',
        'shutdwn:',
        '  timeout_seconds: 5',
        'level: debug',
        '',
      ].join('\n'),
    );
    const err = configError({ cwd, env: {} });
    const text = err.problems.join('\n');
    expect(text).toMatch(/http\.prot: unknown key .*did you mean http\.port\?/);
    expect(text).toMatch(/log\.rotate\.sise: unknown key .*did you mean log\.rotate\.size\?/);
    expect(text).toMatch(/shutdwn: unknown key .*did you mean shutdown\?/);
    // A setting outside its section is matched against the settings, a misspelt section against the sections.
    expect(text).toMatch(/^level: unknown key .*did you mean log\.level\?/m);
    expect(text).toContain(join(cwd, 'config/centinela.yaml'));
  });

  test('an unknown CENTINELA_ environment variable gets the closest known variable', () => {
    const err = configError({ cwd: project(), env: { CENTINELA_HTTP_PROT: '9100', CENTINELA_SHUTDOWN_TIMEOUT: '5' } });
    expect(err.problems).toContain(
      'CENTINELA_HTTP_PROT: unknown setting in the environment; did you mean CENTINELA_HTTP_PORT?',
    );
    expect(err.problems).toContain(
      'CENTINELA_SHUTDOWN_TIMEOUT: unknown setting in the environment; did you mean CENTINELA_SHUTDOWN_TIMEOUT_SECONDS?',
    );
  });

  test('a value of the wrong type names the key, the value, what is expected and where it came from', () => {
    const err = configError({
      cwd: project('log:\n  rotate:\n    size: huge\n'),
      env: { CENTINELA_HTTP_PORT: 'abc', CENTINELA_LOG_LEVEL: 'loud' },
    });
    const text = err.problems.join('\n');
    expect(text).toMatch(/http\.port: expected number, got "abc" \(from CENTINELA_HTTP_PORT\)/);
    expect(text).toMatch(/log\.level: .*"info".*got "loud" \(from CENTINELA_LOG_LEVEL\)/);
    expect(text).toMatch(/log\.rotate\.size: a size such as 512k, 10m or 1g, got "huge" \(from .*centinela\.yaml\)/);
    expect(configError({ cwd: project('http:\n  port: 70000\n'), env: {} }).problems[0]).toMatch(
      /http\.port: .*65535.*got 70000/,
    );
  });

  test('a secret in the file is rejected, pointing at its environment variable, without echoing the value', () => {
    const cwd = project(
      [
        'telegram:',
        `  bot_token: "${BOT_TOKEN}"`,
        'openai_api_key: sk-proj-AbCdEf0123456789secret',
        'http:',
        '  api_token: tok-0123456789-secret',
        '',
      ].join('\n'),
    );
    const err = configError({ cwd, env: {} });
    const text = err.message;
    expect(text).toMatch(/telegram\.bot_token: secrets are read only from the environment; .*set TELEGRAM_BOT_TOKEN/);
    expect(text).toMatch(/openai_api_key: secrets are read only from the environment; .*set OPENAI_API_KEY/);
    expect(text).toMatch(/http\.api_token: secrets are read only from the environment; .*set CENTINELA_API_TOKEN/);
    expect(text).not.toContain(BOT_TOKEN);
    expect(text).not.toContain('AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1');
    expect(text).not.toContain('sk-proj-AbCdEf0123456789secret');
    expect(text).not.toContain('tok-0123456789-secret');
  });

  test('a secret-shaped value in the wrong place is not echoed either', () => {
    // A database URL pasted where a section belongs, and a bot token where a number belongs.
    const cwd = project(
      [
        `store: postgres://centinela:${DB_PASSWORD}@db.internal:5432/centinela`,
        'http:',
        `  port: "${BOT_TOKEN}"`,
        '',
      ].join('\n'),
    );
    const err = configError({ cwd, env: {} });
    expect(err.problems.join('\n')).toMatch(/^store: expected object/m);
    expect(err.problems.join('\n')).toMatch(/^http\.port: expected number/m);
    expect(err.message).not.toContain(DB_PASSWORD);
    expect(err.message).not.toContain('AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1');
    // What is left of the value still helps: the scheme and host, with the password masked.
    expect(err.message).toContain('postgres://centinela:[redacted]@db.internal');

    // A list where a section belongs is described, not dumped.
    const listErr = configError({ cwd: project(['http:', `  - api_token: ${DB_PASSWORD}`, ''].join('\n')), env: {} });
    expect(listErr.problems).toEqual([expect.stringMatching(/^http: expected object, got a list/)]);
    expect(listErr.message).not.toContain(DB_PASSWORD);
  });

  test('secrets come from the environment', () => {
    const env = {
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      OPENAI_API_KEY: 'sk-openai-0123456789',
      GEMINI_API_KEY: 'gemini-0123456789',
      DATABASE_URL: `postgres://centinela:${DB_PASSWORD}@localhost:5432/centinela`,
      GOOGLE_APPLICATION_CREDENTIALS: '/etc/centinela/gcp.json',
      CENTINELA_API_TOKEN: 'api-token-0123456789',
    };
    expect(loadConfig({ cwd: project(), env }).secrets).toEqual(env);
    // Blank means unset.
    expect(loadConfig({ cwd: project(), env: { TELEGRAM_BOT_TOKEN: '  ' } }).secrets).toEqual({});
  });

  test('an invalid DATABASE_URL is rejected with the value masked', () => {
    const url = `mysql://centinela:${DB_PASSWORD}@db.internal/centinela`;
    const err = configError({ cwd: project(), env: { DATABASE_URL: url } });
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatch(/^DATABASE_URL: expected a PostgreSQL URL such as postgres:\/\//);
    expect(err.problems[0]).toContain(`${url.length} characters, masked`);
    expect(err.message).not.toContain(url);
    expect(err.message).not.toContain(DB_PASSWORD);
    expect(err.message).not.toContain('db.internal');
  });

  test('several problems from the file, the environment and the secrets are all reported at once', () => {
    const cwd = project(['http:', '  prot: 9100', '  port: -1', `telegram_token: "${BOT_TOKEN}"`, ''].join('\n'));
    const err = configError({
      cwd,
      env: {
        CENTINELA_LOG_LEVL: 'debug',
        CENTINELA_SHUTDOWN_TIMEOUT_SECONDS: 'soon',
        DATABASE_URL: 'not-a-url-but-secret',
      },
    });
    expect(err.problems).toHaveLength(6);
    const text = err.message;
    for (const part of [
      'http.prot',
      'http.port',
      'telegram_token',
      'CENTINELA_LOG_LEVL',
      'shutdown.timeout_seconds',
      'DATABASE_URL',
    ]) {
      expect(text).toContain(part);
    }
    // One problem a line, under a heading.
    expect(text.split('\n')).toHaveLength(7);
    expect(text).not.toContain('not-a-url-but-secret');
    expect(text).not.toContain(BOT_TOKEN);
  });
});

describe('centinela start with a bad configuration', () => {
  test('a bad environment value exits 78 naming the key and the value', async () => {
    const cwd = project();
    const res = await runCli(['start'], { cwd, env: { CENTINELA_HTTP_PORT: 'abc' } });
    expect(CONFIG_EXIT_CODE).toBe(78);
    expect(res.code, res.stderr).toBe(78);
    expect(res.stderr).toContain('http.port');
    expect(res.stderr).toContain('"abc"');
    expect(res.stderr).toContain('CENTINELA_HTTP_PORT');
  });

  test('an unknown key in config/centinela.yaml exits 78 with a suggestion', async () => {
    const cwd = project('http:\n  prot: 9100\n');
    const res = await runCli(['start'], { cwd, env: {} });
    expect(res.code, res.stderr).toBe(78);
    expect(res.stderr).toContain('http.prot');
    expect(res.stderr).toContain('did you mean http.port?');
  });

  test('--config with a missing file exits 78 naming the path', async () => {
    const cwd = project();
    const res = await runCli(['start', '--config', 'nowhere.yaml'], { cwd, env: {} });
    expect(res.code, res.stderr).toBe(78);
    expect(res.stderr).toContain(resolve(cwd, 'nowhere.yaml'));
  });

  test('a secret in the file exits 78 without printing it', async () => {
    const cwd = project(`telegram:\n  bot_token: "${BOT_TOKEN}"\n`);
    const res = await runCli(['start'], { cwd, env: {} });
    expect(res.code, res.stderr).toBe(78);
    expect(res.stderr).toContain('TELEGRAM_BOT_TOKEN');
    expect(res.stderr + res.stdout).not.toContain('AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1');
  });
});

describe('describeSettings', () => {
  test('lists the settings the issue requires, with their defaults and a description each', () => {
    const settings = describeSettings();
    const byKey = new Map(settings.map((s) => [s.key, s]));
    const required: Record<string, unknown> = {
      'paths.data': './data',
      'paths.logs': './logs',
      'paths.media': './media',
      'http.host': '127.0.0.1',
      'http.port': 8787,
      'shutdown.timeout_seconds': 30,
    };
    for (const [key, value] of Object.entries(required)) expect(byKey.get(key)?.default, key).toBe(value);
    expect(['debug', 'info', 'warn', 'error']).toContain(byKey.get('log.level')?.default);
    expect(byKey.get('log.rotate.size')?.default).toMatch(/^\d+[kmg]$/);
    expect(byKey.get('log.rotate.keep')?.default).toBeGreaterThanOrEqual(1);
    expect(Number.isInteger(byKey.get('log.rotate.keep')?.default)).toBe(true);
    for (const s of settings) expect(s.description, s.key).not.toBe('');
    expect(new Set(settings.map((s) => s.key)).size).toBe(settings.length);
  });
});

/** The schema of one setting, without its default/optional wrappers. */
function leafSchema(key: string): z.ZodType {
  const unwrap = (schema: z.ZodType): z.ZodType => {
    let current = schema;
    while (current instanceof z.ZodDefault || current instanceof z.ZodPrefault || current instanceof z.ZodOptional)
      current = current.unwrap() as z.ZodType;
    return current;
  };
  let schema: z.ZodType = configSchema;
  for (const k of key.split('.')) schema = unwrap((unwrap(schema) as z.ZodObject).shape[k] as z.ZodType);
  return schema;
}

/** A value for a setting's environment variable that differs from its default and is valid for it. */
function otherValue(key: string, value: unknown): string {
  const special: Record<string, string> = {
    'telegram.api_root': 'http://127.0.0.1:8081',
    'invoices.openai.base_url': 'http://127.0.0.1:8082/v1',
    'content.gemini.base_url': 'http://127.0.0.1:8083',
    'telegram.users': '[{id: 7, name: Ana, role: staff, language: en}]',
    'invoices.csv_columns': '{total: importe, number: folio, issuerRfc: rfc}',
    'invoices.price_currency': 'EUR',
    'monitor.owner': '1000:1000',
    'alerts.digest': '08:30',
    'content.channel': '-1001234567890',
    'drive.folders': '[1AbCdEfGhIjKlMnOpQrStUvWxYz012345]',
    'drive.api_root': 'http://127.0.0.1:8084',
    // Lists of objects, found by their last key (their section may move).
    containers: '[{name: telegram-bot-api, logs: true, restart: true}]',
    probes: '[{name: loaded, kind: newest_file, glob: /srv/out/*.json, max_age: 2h}]',
    creators: '[{folder: victor, timezone: Europe/Madrid, slots: ["10:00"]}]',
    targets: '[{type: webhook, url: "https://example.com/hooks", secret_env: HOOK_SECRET}]',
  };
  const named = special[key] ?? special[key.split('.').pop() ?? ''];
  if (named !== undefined) return named;
  const schema = leafSchema(key);
  if (schema instanceof z.ZodEnum) return String(schema.options.find((o) => o !== value));
  if (schema instanceof z.ZodArray) return schema.element instanceof z.ZodNumber ? '[-100123]' : `[/opt/${key}]`;
  if (typeof value === 'string' && /^\d+(ms|s|m|h|d)$/.test(value)) return '7m';
  if (typeof value === 'string' && /^\d+[kmg]$/i.test(value)) return '3m';
  if (typeof value === 'boolean') return String(!value);
  if (typeof value === 'number') return String(value + 1);
  return `/opt/${key}`;
}
