// The content settings: creators' zones are checked with Intl, slots read as times of day, a channel id the YAML
// reads as a number kept as the id, and every error names its key.
import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { ConfigError, configSchema, loadConfig } from '../../../src/core/config.ts';
import { tempDir } from '../../support/service.ts';

function load(yaml: string) {
  const cwd = tempDir('centinela-content-config-');
  mkdirSync(join(cwd, 'config'));
  writeFileSync(join(cwd, 'config/centinela.yaml'), yaml);
  return loadConfig({ cwd, env: {} });
}

function problems(yaml: string): string {
  try {
    load(yaml);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('the config was accepted');
}

describe('content settings', () => {
  test('defaults: off, 2 h of grace, no approval, no creators', () => {
    expect(configSchema.parse({}).content).toMatchObject({
      channel: '',
      missed_grace: 7_200_000,
      approval: false,
      creators: [],
    });
  });

  test('a creator is read with its defaults, slots sorted and min_gap in milliseconds; a numeric channel is its id', () => {
    const { config } = load(
      [
        'content:',
        '  channel: -1001234567890',
        '  creators:',
        '    - { folder: victor, timezone: America/Mexico_City, slots: ["19:00", "10:00"], min_gap: 2h }',
        '',
      ].join('\n'),
    );
    expect(config.content.channel).toBe('-1001234567890');
    expect(config.content.creators[0]).toEqual({
      folder: 'victor',
      language: 'es',
      timezone: 'America/Mexico_City',
      slots: ['10:00', '19:00'],
      min_gap: 7_200_000,
      max_per_day: 0,
      persona: '',
      hashtags: [],
      banned_words: [],
      caption_template: '{text}',
      channel: '',
    });
  });

  test('a wrong zone, slot, channel or a repeated folder is refused naming its key', () => {
    const out = problems(
      [
        'content:',
        '  channel: not a chat',
        '  creators:',
        '    - { folder: ana, timezone: Mars/Olympus, slots: ["25:00"] }',
        '    - { folder: ana, channel: "@x" }',
        '',
      ].join('\n'),
    );
    expect(out).toMatch(/content\.channel: a chat id such as -1001234567890 or @name/);
    expect(out).toMatch(/content\.creators\.0\.timezone: an IANA time zone/);
    expect(out).toMatch(/content\.creators\.0\.slots\.0: a time of day as HH:MM/);
    expect(out).toMatch(/content\.creators\.1\.channel: a chat id/);
  });

  test('each folder once', () => {
    expect(problems('content:\n  creators: [{ folder: ana }, { folder: ana }]\n')).toMatch(
      /content\.creators: each creator folder may appear only once/,
    );
  });
});
