// The parts of Drive v3's search language (`q`), `orderBy` and `fields` the fake understands. A query it cannot read
// is refused the way Drive refuses one (400 invalid, location q), so a client never relies on a form the fake ignores.
import type { DriveItem } from './types.ts';

export type Clause = (item: DriveItem, trashed: boolean) => boolean;

const STRING = `'((?:[^'\\\\]|\\\\.)*)'`;
const unquote = (s: string): string => s.replace(/\\(.)/g, '$1');
const CLAUSES: Array<[RegExp, (m: RegExpExecArray) => Clause]> = [
  [new RegExp(`^${STRING}\\s+in\\s+parents$`), (m) => (item) => item.parents.includes(unquote(m[1] ?? ''))],
  [/^trashed\s*=\s*(true|false)$/, (m) => (_item, trashed) => trashed === (m[1] === 'true')],
  [
    new RegExp(`^mimeType\\s*(=|!=)\\s*${STRING}$`),
    (m) => (item) => (item.mimeType === unquote(m[2] ?? '')) === (m[1] === '='),
  ],
  [new RegExp(`^name\\s*=\\s*${STRING}$`), (m) => (item) => item.name === unquote(m[1] ?? '')],
  [
    new RegExp(`^modifiedTime\\s*(>=|<=|>|<|=)\\s*${STRING}$`),
    (m) => {
      const at = Date.parse(unquote(m[2] ?? ''));
      if (Number.isNaN(at)) throw new Error('bad time');
      return (item) => compare(Date.parse(item.modifiedTime), m[1] ?? '=', at);
    },
  ],
];

function compare(a: number, op: string, b: number): boolean {
  if (op === '>') return a > b;
  if (op === '>=') return a >= b;
  if (op === '<') return a < b;
  if (op === '<=') return a <= b;
  return a === b;
}

/** The clauses of `a and b and c`; null when a clause is not one the fake knows (or uses `or`, `not`, parentheses). */
export function parseQuery(q: string): Clause[] | null {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < q.length; i++) {
    const c = q[i] as string;
    if (c === '\\' && quoted) {
      current += c + (q[++i] ?? '');
      continue;
    }
    if (c === "'") quoted = !quoted;
    if (!quoted && /^\s+and\s+/i.test(q.slice(i)) && /\s/.test(c)) {
      parts.push(current);
      current = '';
      i += (/^\s+and\s+/i.exec(q.slice(i))?.[0].length ?? 1) - 1;
      continue;
    }
    current += c;
  }
  parts.push(current);
  const clauses: Clause[] = [];
  for (const part of parts.map((p) => p.trim())) {
    const known = CLAUSES.find(([re]) => re.test(part));
    if (!known) return null;
    try {
      clauses.push(known[1](known[0].exec(part) as RegExpExecArray));
    } catch {
      return null;
    }
  }
  return clauses;
}

const ORDER_KEYS = new Set(['modifiedTime', 'name', 'createdTime', 'folder']);

/** A comparator for `orderBy` ("modifiedTime desc,name"); null for a key Drive does not sort by. */
export function parseOrderBy(orderBy: string): ((a: DriveItem, b: DriveItem) => number) | null {
  const keys = orderBy
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .map((k) => {
      const [key = '', dir = 'asc'] = k.split(/\s+/);
      return { key, desc: dir.toLowerCase() === 'desc' };
    });
  if (keys.some((k) => !ORDER_KEYS.has(k.key))) return null;
  return (a, b) => {
    for (const { key, desc } of keys) {
      const va = sortValue(a, key);
      const vb = sortValue(b, key);
      if (va !== vb) return (va < vb ? -1 : 1) * (desc ? -1 : 1);
    }
    return 0;
  };
}

function sortValue(item: DriveItem, key: string): string | number {
  if (key === 'folder') return item.mimeType === FOLDER ? 0 : 1;
  if (key === 'name') return item.name.toLowerCase();
  if (key === 'createdTime') return Date.parse(item.createdTime);
  return Date.parse(item.modifiedTime);
}

export const FOLDER = 'application/vnd.google-apps.folder';

type Selection = Map<string, Selection | null>;

/** `nextPageToken,files(id,name)` as a tree of selected keys; `*` or empty selects everything (null). */
export function parseFields(fields: string | null): Selection | null {
  if (!fields || fields.trim() === '*') return null;
  const read = (s: string): Selection => {
    const out: Selection = new Map();
    let depth = 0;
    let start = 0;
    const flush = (end: number): void => {
      const piece = s.slice(start, end).trim();
      if (!piece) return;
      const open = piece.indexOf('(');
      if (open < 0) {
        // "file/id": a path is a nested selection of one key.
        const [head = '', ...rest] = piece.split('/');
        out.set(head, rest.length ? read(rest.join('/')) : null);
      } else out.set(piece.slice(0, open).trim(), read(piece.slice(open + 1, piece.lastIndexOf(')'))));
    };
    for (let i = 0; i < s.length; i++) {
      if (s[i] === '(') depth++;
      else if (s[i] === ')') depth--;
      else if (s[i] === ',' && depth === 0) {
        flush(i);
        start = i + 1;
      }
    }
    flush(s.length);
    return out;
  };
  const selection = read(fields);
  return selection.has('*') ? null : selection;
}

/** The value with only the selected keys (arrays: each element). */
export function select(value: unknown, selection: Selection | null): unknown {
  if (selection === null || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => select(v, selection));
  const out: Record<string, unknown> = {};
  for (const [key, sub] of selection) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = select(v, sub);
  }
  return out;
}
