// config/centinela.example.yaml documents every setting with its default, and is itself a valid config file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, test } from 'vitest';
import { SECRET_ENV, configSchema, describeSettings, loadConfig } from '../../../src/core/config.ts';
import { REPO, tempDir } from '../../support/service.ts';

const EXAMPLE = join(REPO, 'config/centinela.example.yaml');
const text = readFileSync(EXAMPLE, 'utf8');

/** Each key line of the file as its dotted path, with the comment line just above it (if any). */
function keyLines(): Map<string, string | null> {
  const out = new Map<string, string | null>();
  const stack: Array<{ indent: number; key: string }> = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const m = /^( *)([a-z_]+):/.exec(line);
    if (!m) return;
    const indent = (m[1] ?? '').length;
    while (stack.length > 0 && (stack[stack.length - 1]?.indent ?? 0) >= indent) stack.pop();
    stack.push({ indent, key: m[2] ?? '' });
    const above = lines[i - 1] ?? '';
    const comment = new RegExp(`^ {${indent}}# (.+)$`).exec(above);
    out.set(stack.map((s) => s.key).join('.'), comment?.[1] ?? null);
  });
  return out;
}

describe('config/centinela.example.yaml', () => {
  test('holds exactly the defaults of the schema', () => {
    // Compared as the schema hands them out: sizes and durations are written '10m' and read as bytes or ms.
    expect(configSchema.parse(parseYaml(text))).toEqual(configSchema.parse({}));
  });

  test('lists every setting of describeSettings() with its default and its description as a comment above it', () => {
    const parsed: unknown = parseYaml(text);
    const lines = keyLines();
    const settings = describeSettings();
    expect(settings.length).toBeGreaterThan(0);
    for (const s of settings) {
      const value = s.key
        .split('.')
        .reduce<unknown>((obj, k) => (obj as Record<string, unknown> | undefined)?.[k], parsed);
      expect(value, s.key).toEqual(s.default);
      expect(lines.has(s.key), `${s.key} is not written in the example`).toBe(true);
      const comment = lines.get(s.key);
      expect(comment, `${s.key} has no # comment on the line above`).toBeTruthy();
      expect(
        comment?.startsWith(s.description),
        `comment above ${s.key}: "${comment}" should start with "${s.description}"`,
      ).toBe(true);
    }
    // Nothing in the file that is not a setting or a section.
    const leaves = new Set(settings.map((s) => s.key));
    for (const key of lines.keys()) {
      const isSection = settings.some((s) => s.key.startsWith(`${key}.`));
      expect(leaves.has(key) || isSection, `${key} is neither a setting nor a section`).toBe(true);
    }
  });

  test('the header explains the precedence and lists every secret environment variable', () => {
    const header = text.slice(0, text.indexOf('\npaths:'));
    expect(header.split('\n').every((l) => l === '' || l.startsWith('#'))).toBe(true);
    expect(header).toMatch(/defaults/);
    expect(header).toMatch(/CENTINELA_<SECTION>_<KEY>/);
    expect(header).toMatch(/later wins/);
    for (const name of SECRET_ENV) expect(header, name).toMatch(new RegExp(`^#\\s+${name}\\s+\\S.*$`, 'm'));
  });

  test('loads as a config file and gives the default configuration', () => {
    const cwd = tempDir('centinela-example-');
    const { config, file, secrets } = loadConfig({ cwd, env: {}, file: EXAMPLE });
    expect(file).toBe(EXAMPLE);
    expect(secrets).toEqual({});
    const defaults = configSchema.parse({});
    expect(config).toEqual({
      ...defaults,
      paths: { ...defaults.paths, data: join(cwd, 'data'), logs: join(cwd, 'logs'), media: join(cwd, 'media') },
    });
  });
});
