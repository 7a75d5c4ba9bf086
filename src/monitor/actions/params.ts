// The zod pieces the actions' parameter schemas share. Parameters come from a rule's YAML and from fields captured
// from log lines (always strings), so numbers and durations also accept their text form. Each piece says in
// .describe() what it takes: rules loading names that when a rule sets a bad value.
import { z } from 'zod';
import { parseDuration } from '../../core/config.ts';

/** A duration: milliseconds as a number or digits, or '500ms', '10s', '5m', '1h', '2d'. */
export function durationParam(name: string) {
  return z
    .union([z.number(), z.string()], { error: `${name} must be a duration such as 10s or a number of milliseconds` })
    .transform((v, ctx) => {
      const ms = typeof v === 'number' ? v : /^\d+$/.test(v.trim()) ? Number(v.trim()) : parseDuration(v.trim());
      if (ms === null || !Number.isInteger(ms) || ms < 0) {
        ctx.addIssue({
          code: 'custom',
          message: `${name} must be a duration such as 10s or a number of milliseconds, not ${JSON.stringify(v)}`,
        });
        return z.NEVER;
      }
      return ms;
    })
    .describe("a duration such as '10s' or '1m'");
}

/** A positive whole number, given as a number or as digits. */
export function countParam(name: string, example: string) {
  return z
    .union([z.number(), z.string()], { error: `${name} is required: a whole number such as ${example}` })
    .transform((v, ctx) => {
      const n = typeof v === 'number' ? v : /^\d+$/.test(v.trim()) ? Number(v.trim()) : NaN;
      if (!Number.isSafeInteger(n) || n < 1) {
        ctx.addIssue({
          code: 'custom',
          message: `${name} must be a whole number of 1 or more such as ${example}, not ${JSON.stringify(v)}`,
        });
        return z.NEVER;
      }
      return n;
    })
    .describe(`a whole number of 1 or more such as ${example}`);
}

export const pathParam = z
  .string({ error: 'path is required: the file or folder to repair' })
  .min(1, 'path is empty: give the file or folder to repair')
  .refine((p) => !p.includes('\0'), 'path contains a NUL byte')
  .describe('a file or folder path');

/** Every action takes an optional `timeout` that replaces its default time limit for one try. */
export const timeoutParam = durationParam('timeout')
  .refine((ms) => ms >= 1, 'timeout must be at least 1ms')
  .describe("a duration of 1ms or more such as '10s' or '1m'")
  .optional();

/** What a parameter takes, in words: its .describe(), under any .optional() or .default(). */
export function expectedOf(schema: z.ZodType): string {
  let inner: z.ZodType = schema;
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault) inner = inner.unwrap() as z.ZodType;
  return inner.description ?? 'another value';
}

/** Zod's issues as one line a person can act on: `job_id: must be …; path: …`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const key = i.path.map(String).join('.');
      if (i.code === 'unrecognized_keys')
        return `unknown parameter${i.keys.length > 1 ? 's' : ''} ${i.keys.join(', ')}`;
      return key && !i.message.startsWith(key) ? `${key}: ${i.message}` : i.message;
    })
    .join('; ');
}
