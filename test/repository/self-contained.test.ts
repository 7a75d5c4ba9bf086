// A fresh clone must pass its tests with nothing beside it: no test, benchmark or source file may read
// from outside the repository (the developers' shared folder beside it in particular).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, test } from 'vitest';
import { REPO } from '../support/service.ts';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'fixtures' ? [] : sources(path);
    return /\.(ts|js)$/.test(name) ? [path] : [];
  });
}

test('nothing in src/, test/ or bench/ reads from the folder beside the repository', () => {
  const offenders = ['src', 'test', 'bench']
    .flatMap((dir) => sources(join(REPO, dir)))
    .filter((file) => /['"`/]\.\.\/shared\b|\/work\/shared\b/.test(readFileSync(file, 'utf8')))
    .map((file) => relative(REPO, file));
  expect(offenders).toEqual([]);
});

test('the CFDI fixtures the tests use are in the repository with their licence', () => {
  const dir = join(REPO, 'test/fixtures/cfdi');
  expect(readFileSync(join(dir, 'NOTICE'), 'utf8')).toMatch(/MIT License/);
  expect(readdirSync(dir).filter((name) => name.endsWith('.xml')).length).toBeGreaterThan(5);
});
