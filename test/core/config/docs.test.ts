// The settings' documentation is written from the schema by `npm run docs`; a change to the schema that is not
// written out leaves the example config or the README stale, and this test says which and how to mend it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { describeSettings } from '../../../src/core/config.ts';
import { generatedDocs } from '../../../scripts/docs-files.ts';
import { REPO } from '../../support/service.ts';

describe('npm run docs', () => {
  test('config/centinela.example.yaml and the README tables are what the schema writes (else: npm run docs)', async () => {
    for (const { path, text } of await generatedDocs(REPO))
      expect(readFileSync(join(REPO, path), 'utf8'), `${path} is stale: run npm run docs`).toBe(text);
  });

  test("the README's settings table has one row per setting, with its environment variable", () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const settings = describeSettings();
    for (const s of settings) expect(readme).toMatch(new RegExp(`^\\| \`${s.key}\` +\\| \`${s.env}\` +\\|`, 'm'));
    expect(settings.length).toBeGreaterThan(50);
  });
});
