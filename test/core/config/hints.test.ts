// Every message in src that names a setting (monitor.docker_socket, alerts.repeat.critical, …) names one the schema
// has: a hint that points at a key that does not exist sends the reader looking for nothing.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { configSchema, describeSettings } from '../../../src/core/config.ts';
import { REPO } from '../../support/service.ts';

const SECTIONS = Object.keys(configSchema.shape);
/** A dotted name that starts with a section: `monitor.containers`, `alerts.repeat.warning`. */
const KEY = new RegExp(`(?<![\\w./-])(?:${SECTIONS.join('|')})(?:\\.[a-z_]+)+(?![\\w/(-])`, 'g');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The text of every string and template literal in a file (messages, hints), without code or comments. */
function literals(path: string): string[] {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) out.push(node.text);
    else if (ts.isTemplateExpression(node)) out.push(node.head.text, ...node.templateSpans.map((s) => s.literal.text));
    if (!ts.isImportDeclaration(node)) ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** Every setting, every section above one, and the fields of the settings that are lists of objects. */
function knownKeys(): Set<string> {
  const known = new Set<string>();
  for (const { key } of describeSettings()) {
    const parts = key.split('.');
    for (let i = 1; i <= parts.length; i++) known.add(parts.slice(0, i).join('.'));
  }
  const monitor = configSchema.shape.monitor.unwrap().shape;
  const listFields: Array<[string, unknown]> = [
    ['monitor.probes', monitor.probes],
    ['monitor.containers', monitor.containers],
  ];
  for (const [list, schema] of listFields) {
    const item = (schema as { unwrap(): { element: { shape?: object; def?: { in?: { shape?: object } } } } }).unwrap()
      .element;
    const shape = item.shape ?? item.def?.in?.shape ?? {};
    for (const field of Object.keys(shape)) known.add(`${list}.${field}`);
  }
  return known;
}

describe('config keys named in messages', () => {
  it('every key a message in src names exists in the schema', () => {
    const known = knownKeys();
    const wrong: string[] = [];
    for (const file of files(join(REPO, 'src'))) {
      // A literal that is one dotted name alone is a name in code (a log component, a column), not a message.
      for (const text of literals(file).filter((t) => /\s/.test(t.trim()))) {
        for (const m of text.matchAll(KEY)) {
          if (!known.has(m[0]))
            wrong.push(`${relative(REPO, file)}: "${m[0]}" in ${JSON.stringify(text.slice(0, 120))}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('finds a wrong key (the check itself works)', () => {
    expect([...'set monitor.docker.socket, or monitor.docker_socket'.matchAll(KEY)].map((m) => m[0])).toEqual([
      'monitor.docker.socket',
      'monitor.docker_socket',
    ]);
    expect(knownKeys().has('monitor.docker_socket')).toBe(true);
    expect(knownKeys().has('monitor.docker.socket')).toBe(false);
    expect(knownKeys().has('monitor.probes.min_ratio')).toBe(true);
  });
});
