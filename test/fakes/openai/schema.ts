// Structured outputs with `strict: true`, as OpenAI documents them: the schema must close every object
// (additionalProperties false, every property required), and the answer always fits it. The fake makes a scenario
// fit the way the model would (a property left out of a scenario is answered null when the schema allows null)
// and says so plainly when it cannot; a scenario marked `breaksSchema` is sent as it is, on demand.
import { invalidRequest } from './errors.ts';

type Schema = Record<string, unknown>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** OpenAI's 400 for a strict schema it cannot enforce (an object left open, a property not required). */
export function checkStrictSchema(name: string, schema: Schema, context: string[] = []): void {
  const where = `Invalid schema for response_format '${name}': In context=(${context.map((c) => `'${c}'`).join(', ')}), `;
  if (schema.type === 'object' || isRecord(schema.properties)) {
    if (schema.additionalProperties !== false)
      throw invalidRequest(
        `${where}'additionalProperties' is required to be supplied and to be false.`,
        'response_format',
        'invalid_json_schema',
      );
    const keys = Object.keys(isRecord(schema.properties) ? schema.properties : {});
    const required = Array.isArray(schema.required) ? schema.required : [];
    const missing = keys.find((k) => !required.includes(k));
    if (missing !== undefined)
      throw invalidRequest(
        `${where}'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`,
        'response_format',
        'invalid_json_schema',
      );
    for (const k of keys)
      checkStrictSchema(name, (schema.properties as Record<string, Schema>)[k] as Schema, [
        ...context,
        'properties',
        k,
      ]);
  }
  if (isRecord(schema.items)) checkStrictSchema(name, schema.items, [...context, 'items']);
  if (Array.isArray(schema.anyOf))
    schema.anyOf.forEach(
      (s: unknown, i) => isRecord(s) && checkStrictSchema(name, s, [...context, 'anyOf', String(i)]),
    );
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function allowsNull(schema: Schema): boolean {
  const t = schema.type;
  if (t === 'null' || (Array.isArray(t) && t.includes('null'))) return true;
  return Array.isArray(schema.anyOf) && schema.anyOf.some((s: unknown) => isRecord(s) && allowsNull(s));
}

/** The value made to fit as the model would (absent nullable properties → null), or why it cannot fit. */
export function fitToSchema(value: unknown, schema: Schema, path = ''): { value: unknown } | { problem: string } {
  const at = path || 'the answer';
  if (Array.isArray(schema.anyOf)) {
    for (const s of schema.anyOf)
      if (isRecord(s)) {
        const r = fitToSchema(value, s, path);
        if ('value' in r) return r;
      }
    return { problem: `${at} fits none of anyOf` };
  }
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  const actual = typeOf(value);
  if (types.length > 0 && !types.includes(actual) && !(actual === 'integer' && types.includes('number')))
    return { problem: `${at} is ${actual}, the schema says ${types.join(' or ')}` };
  if (Array.isArray(schema.enum) && !schema.enum.includes(value))
    return { problem: `${at} is not one of ${JSON.stringify(schema.enum)}` };
  if (actual === 'object' && isRecord(value)) {
    const props = isRecord(schema.properties) ? (schema.properties as Record<string, Schema>) : {};
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value))
      if (!(k in props)) return { problem: `${path ? `${path}.` : ''}${k} is not in the schema` };
    for (const [k, s] of Object.entries(props)) {
      const p = path ? `${path}.${k}` : k;
      if (!(k in value)) {
        if (!allowsNull(s)) return { problem: `${p} is missing` };
        out[k] = null;
        continue;
      }
      const r = fitToSchema(value[k], s, p);
      if ('problem' in r) return r;
      out[k] = r.value;
    }
    return { value: out };
  }
  if (actual === 'array' && Array.isArray(value) && isRecord(schema.items)) {
    const out: unknown[] = [];
    for (const [i, item] of value.entries()) {
      const r = fitToSchema(item, schema.items, `${path}[${i}]`);
      if ('problem' in r) return r;
      out.push(r.value);
    }
    return { value: out };
  }
  return { value };
}

/** The least answer that fits a schema (null where allowed, else "", 0, false, [] or an object of such): the fallback's default. */
export function leastFit(schema: Schema): unknown {
  if (allowsNull(schema)) return null;
  if (Array.isArray(schema.anyOf)) return isRecord(schema.anyOf[0]) ? leastFit(schema.anyOf[0]) : null;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return '';
    case 'number':
    case 'integer':
      return 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    default: {
      const props = isRecord(schema.properties) ? (schema.properties as Record<string, Schema>) : {};
      return Object.fromEntries(Object.entries(props).map(([k, s]) => [k, leastFit(s)]));
    }
  }
}
