// A secret put in the config file (or in a CENTINELA_ variable) is refused with advice that names the variable
// that secret belongs in: a bot token under `telegram.token` must say TELEGRAM_BOT_TOKEN, not CENTINELA_API_TOKEN.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError, SECRET_ENV, configSchema, loadConfig } from '../../../src/core/config.ts';
import type { SecretName } from '../../../src/core/config.ts';
import { tempDir } from '../../support/service.ts';

const VALUES: Record<SecretName, string> = {
  TELEGRAM_BOT_TOKEN: '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1',
  OPENAI_API_KEY: 'sk-proj-AbCdEf0123456789secretXYZ',
  GEMINI_API_KEY: 'AIzaSyD-0123456789abcdefghijklmnopqrs',
  DATABASE_URL: 'postgres://centinela:Hunter2-db-secret@db.internal:5432/centinela',
  GOOGLE_APPLICATION_CREDENTIALS: '/etc/centinela/gcp-key.json',
  CENTINELA_API_TOKEN: 'control-api-token-0123456789',
};

/** Where people put each secret in a config file: a path and, for some, a value that does not give it away. */
const FILE_PLACES: Record<SecretName, Array<{ path: string[]; value?: string }>> = {
  TELEGRAM_BOT_TOKEN: [
    { path: ['telegram', 'token'] },
    { path: ['telegram', 'bot_token'] },
    { path: ['telegram', 'token'], value: 'not-shaped-like-a-token' },
    { path: ['bot_token'], value: 'not-shaped-like-a-token' },
    { path: ['TELEGRAM_BOT_TOKEN'] },
    { path: ['http', 'token'] }, // the value is a bot token: it decides
  ],
  OPENAI_API_KEY: [
    { path: ['invoices', 'openai', 'api_key'] },
    { path: ['invoices', 'openai', 'api_key'], value: 'a-key-of-another-provider' },
    { path: ['openai_api_key'], value: 'a-key-of-another-provider' },
    { path: ['invoices', 'openai', 'key'] },
  ],
  GEMINI_API_KEY: [{ path: ['gemini', 'api_key'], value: 'some-gemini-key-0123' }, { path: ['gemini_key'] }],
  DATABASE_URL: [
    { path: ['store', 'url'] },
    { path: ['store', 'password'], value: 'Hunter2-db-secret' },
    { path: ['database_url'], value: 'Hunter2-db-secret' },
    { path: ['store', 'database_url'], value: 'host=db user=centinela' },
  ],
  GOOGLE_APPLICATION_CREDENTIALS: [{ path: ['google_application_credentials'] }, { path: ['drive', 'credentials'] }],
  CENTINELA_API_TOKEN: [{ path: ['http', 'token'] }, { path: ['http', 'api_token'] }, { path: ['api_token'] }],
};

function yamlAt(path: string[], value: string): string {
  return (
    path
      .map((key, i) => `${'  '.repeat(i)}${key}:${i === path.length - 1 ? ` ${JSON.stringify(value)}` : ''}`)
      .join('\n') + '\n'
  );
}

function problemsFor(options: { yaml?: string; env?: NodeJS.ProcessEnv }): string {
  const cwd = tempDir('centinela-secrets-');
  if (options.yaml !== undefined) {
    mkdirSync(join(cwd, 'config'));
    writeFileSync(join(cwd, 'config/centinela.yaml'), options.yaml);
  }
  try {
    loadConfig({ cwd, env: options.env ?? {} });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.join('\n');
  }
  throw new Error('the configuration was accepted');
}

describe('a secret in the wrong place', () => {
  for (const secret of SECRET_ENV) {
    test(`the advice for ${secret} names ${secret}, and only it, without the value`, () => {
      // Each place holds its own secret's value unless it names one that does not give the secret away.
      for (const { path, value = VALUES[secret] } of FILE_PLACES[secret]) {
        const text = problemsFor({ yaml: yamlAt(path, value) });
        // An unknown section is reported as itself (gemini:, drive:); a key of a known section with its section.
        const reported = path[0] !== undefined && path[0] in configSchema.shape ? path : path.slice(0, 1);
        expect(text, path.join('.')).toMatch(
          new RegExp(`^${reported.join('\\.')}: secrets are read only from the environment; .*set ${secret}$`),
        );
        for (const other of SECRET_ENV.filter((s) => s !== secret))
          expect(text, `${path.join('.')} names ${other}`).not.toContain(other);
        expect(text).not.toContain(value);
      }
    });
  }

  test('a secret hidden in an unknown section is found there', () => {
    const text = problemsFor({ yaml: `bot:\n  settings:\n    token: "${VALUES.TELEGRAM_BOT_TOKEN}"\n` });
    expect(text).toMatch(/^bot: secrets are read only from the environment; .*set TELEGRAM_BOT_TOKEN$/);
    expect(text).not.toContain(VALUES.TELEGRAM_BOT_TOKEN);
  });

  test('a secret in a CENTINELA_ variable is sent to its own variable, not to the closest setting', () => {
    const cases: Array<[string, string, SecretName]> = [
      ['CENTINELA_TELEGRAM_TOKEN', 'whatever-0123456789', 'TELEGRAM_BOT_TOKEN'],
      ['CENTINELA_TELEGRAM_BOT_TOKEN', VALUES.TELEGRAM_BOT_TOKEN, 'TELEGRAM_BOT_TOKEN'],
      ['CENTINELA_OPENAI_API_KEY', 'whatever-0123456789', 'OPENAI_API_KEY'],
      ['CENTINELA_DATABASE_URL', VALUES.DATABASE_URL, 'DATABASE_URL'],
      ['CENTINELA_HTTP_TOKEN', 'whatever-0123456789', 'CENTINELA_API_TOKEN'],
    ];
    for (const [name, value, secret] of cases) {
      const text = problemsFor({ env: { [name]: value } });
      expect(text).toBe(`${name}: not read; this secret has its own variable: set ${secret} instead`);
    }
  });

  test('a misspelt setting that is no secret still gets the closest setting', () => {
    expect(problemsFor({ yaml: 'telegram:\n  usrs: []\n' })).toMatch(
      /^telegram\.usrs: unknown key .*did you mean telegram\.users\?$/,
    );
    expect(problemsFor({ env: { CENTINELA_HTTP_PROT: '9100' } })).toMatch(/did you mean CENTINELA_HTTP_PORT\?$/);
  });
});
