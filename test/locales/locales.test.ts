// Every text people read comes from the locale files, in both languages (issue 10.8): a key missing in one of them,
// or used in the code and missing in both, fails here.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../src/bot/i18n.ts';
import { REPO } from '../support/service.ts';

const LOCALES = join(REPO, 'src/locales');
const keysOf = (lang: string): string[] =>
  [...readFileSync(join(LOCALES, `${lang}.ftl`), 'utf8').matchAll(/^([a-z][a-z0-9-]*) =/gm)]
    .map((m) => m[1] as string)
    .sort();

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Keys the code names: in t(…), tell(…), send(…), alertAdmins(…), text(…), say(…), said(…), fail(…), bad(…), and as `key:` or `description:` values. */
function keysUsed(): Map<string, string> {
  const used = new Map<string, string>();
  const files = [
    ...sources(join(REPO, 'src/bot')),
    ...sources(join(REPO, 'src/pipeline')),
    ...sources(join(REPO, 'src/commands')),
    join(REPO, 'src/status.ts'),
  ];
  for (const file of files) {
    const code = readFileSync(file, 'utf8');
    const calls = /\b(?:t|text|tell|send|alertAdmins|say|said|fail|bad)\(([^()]*)/g;
    for (const m of code.matchAll(calls))
      for (const k of (m[1] ?? '').matchAll(/'([a-z]+(?:-[a-z0-9]+)+)'/g)) used.set(k[1] as string, file);
    for (const m of code.matchAll(/\b(?:key|description): '([a-z]+(?:-[a-z0-9]+)+)'/g)) used.set(m[1] as string, file);
  }
  return used;
}

describe('locale files', () => {
  it('have the same keys in Spanish and English', () => {
    const es = keysOf('es');
    const en = keysOf('en');
    expect(
      es.filter((k) => !en.includes(k)),
      'in es, missing in en',
    ).toEqual([]);
    expect(
      en.filter((k) => !es.includes(k)),
      'in en, missing in es',
    ).toEqual([]);
  });

  it('hold every key the bot and the intake use', () => {
    const es = new Set(keysOf('es'));
    const missing = [...keysUsed()]
      .filter(([k]) => !es.has(k) && !k.startsWith('cmd-') && !k.startsWith('role-'))
      .map(([k, f]) => `${k} (${f})`);
    expect(missing).toEqual([]);
    expect(keysUsed().size).toBeGreaterThan(20);
  });

  it('render every message in both languages without a missing variable showing', () => {
    const t = createTranslator();
    const vars = {
      name: 'Ana',
      id: '1',
      size: '1 MB',
      max: '2 MB',
      batch: 'b_1',
      count: 2,
      done: 1,
      total: 2,
      stored: 1,
      duplicates: 0,
      failed: 0,
      problems: '',
      date: '2026-01-01',
      reason: 'x',
      dir: '/d',
      free: '1',
      critical: '1g',
      description: 'd',
      downloads: 1,
      invoices: 0,
      files: '#1',
      issuer: 'RFC',
      role_text: 'r',
      rule: 'r',
      until: 'u',
      matcher: 'm',
      value: 'v',
      type: 't',
      what: 'w',
      by: 'b',
      mark: '!',
      target: 't',
      state: 's',
      last: 'l',
      message: 'm',
      targets: 't',
    };
    for (const lang of ['es', 'en'] as const) {
      // Every other variable a message names gets a word.
      const named = readFileSync(join(LOCALES, `${lang}.ftl`), 'utf8').matchAll(/\{ *\$([a-z_]+)/g);
      for (const m of named) (vars as Record<string, string | number>)[m[1] as string] ??= 'v';
      for (const key of keysOf(lang)) expect(t.t(lang, key, vars), `${lang} ${key}`).not.toMatch(/\{\s*\$|\{\$/);
    }
  });
});
