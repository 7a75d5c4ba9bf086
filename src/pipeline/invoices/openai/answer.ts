// One zod definition per answer: the strict JSON schema the request declares is made from it, and the model's answer
// is checked against it. An answer that does not fit says which field and how, in words a reviewer can act on.
import { z } from 'zod';

/** A named answer schema: the response_format name and the zod object the answer must fit. */
export interface AnswerSchema<T> {
  name: string;
  zod: z.ZodType<T>;
}

const jsonSchemas = new WeakMap<z.ZodType, Record<string, unknown>>();

/** The strict JSON schema for the request (made once per zod schema). */
export function jsonSchemaOf(zod: z.ZodType): Record<string, unknown> {
  let schema = jsonSchemas.get(zod);
  if (!schema) {
    const { $schema: _dialect, ...rest } = z.toJSONSchema(zod, { target: 'draft-7' });
    schema = rest;
    jsonSchemas.set(zod, schema);
  }
  return schema;
}

export type Reading<T> = { ok: true; data: T } | { ok: false; reason: string };

/** The answer's content parsed and checked; `reason` says what is wrong ("subtotal is missing"). */
export function readAnswer<T>(content: string, zod: z.ZodType<T>): Reading<T> {
  let data: unknown;
  try {
    data = JSON.parse(content);
  } catch (err) {
    return { ok: false, reason: `the model's answer is not valid JSON: ${(err as Error).message}` };
  }
  const parsed = zod.safeParse(data);
  if (parsed.success) return { ok: true, data: parsed.data };
  return {
    ok: false,
    reason: `the model's answer does not match the schema: ${parsed.error.issues.map((i) => describe(i, data)).join('; ')}`,
  };
}

function describe(issue: z.core.$ZodIssue, data: unknown): string {
  const name = issue.path.map(String).join('.') || 'the answer';
  if (issue.code === 'unrecognized_keys')
    return `unexpected ${issue.keys.length === 1 ? 'field' : 'fields'} ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_type') {
    const value = valueAt(data, issue.path);
    if (value === undefined) return `${name} is missing`;
    return `${name} is ${kindOf(value.value)} where ${issue.expected} is required`;
  }
  return `${name}: ${issue.message}`;
}

/** The value at `path`, or undefined when a key on the way is absent. */
function valueAt(data: unknown, path: PropertyKey[]): { value: unknown } | undefined {
  let at: unknown = data;
  for (const key of path) {
    if (typeof at !== 'object' || at === null || !(key in at)) return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return { value: at };
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
