// The shape of config/rules.yaml, checked with zod. Short forms (a bare regex for a match alternative, a bare line
// for a sample, one item instead of a list) are widened here so that the rest of the code sees one shape.
import { z } from 'zod';
import { SEVERITIES } from '../types.ts';
import { MIN_LEVELS } from './record.ts';

const NAME = /^[a-z][a-z0-9_]*$/;
const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** One item or a list of them → a list. */
const listOf = <T extends z.ZodType>(item: T, min = 0) =>
  z.preprocess(
    (v) => (v === undefined || Array.isArray(v) ? v : [v]),
    z.array(item).min(min, `at least ${min} item${min === 1 ? '' : 's'}`),
  );

/** A match or ignore alternative: a bare string is a regex. */
const alternativeObject = z
  .object({
    source: z.string().min(1).optional().describe('regex on the record source: a file path or docker:<container>'),
    fields: z
      .record(z.string().min(1), z.union([scalar, z.array(scalar).min(1)]))
      .optional()
      .describe('conditions on JSON fields (JSON records only)'),
    regex: z.string().min(1).optional().describe('regex on the text view of a JSON record or on the whole text record'),
  })
  .strict();
const alternative = z.preprocess(
  (v) => (typeof v === 'string' ? { regex: v } : v),
  alternativeObject.refine(
    (a) => a.source !== undefined || a.fields !== undefined || a.regex !== undefined,
    'an alternative needs regex, fields or source',
  ),
);
export type RawAlternative = z.infer<typeof alternative>;

const positiveObject = z
  .object({
    line: z.string().min(1),
    source: z.string().min(1).optional(),
    // Expected values are text, as captured fields are; a bare 42 in YAML means '42'.
    fields: z.record(z.string(), scalar.transform(String)).optional(),
    target: scalar.transform(String).optional(),
  })
  .strict();
const positiveSample = z.preprocess((v) => (typeof v === 'string' ? { line: v } : v), positiveObject);

const negativeObject = z.object({ line: z.string().min(1), source: z.string().min(1).optional() }).strict();
const negativeSample = z.preprocess((v) => (typeof v === 'string' ? { line: v } : v), negativeObject);

const samplesObject = z
  .object({
    match: listOf(positiveSample).default([]),
    no_match: listOf(negativeSample).default([]),
  })
  .strict();

const action = z
  .object({
    type: z.string().min(1),
    params: z.record(z.string(), scalar).default({}),
    attempts: z.number().int().min(1).max(20).default(1),
    backoff: listOf(z.string()).default([]),
  })
  .strict();

export const ruleSchema = z
  .object({
    id: z.string().regex(NAME, 'an id of lowercase letters, digits and _ (download_timeout)'),
    description: z.string().min(1),
    match: listOf(alternative, 1),
    ignore: listOf(alternative).default([]),
    capture: z
      .record(z.string().regex(NAME, 'a field name of lowercase letters, digits and _'), z.string().min(1))
      .default({}),
    target: z.string().min(1).optional(),
    error_type: z.string().regex(NAME, 'lowercase letters, digits and _').optional(),
    severity: z.enum(SEVERITIES).default('warning'),
    action: action.nullable().default(null),
    notify: z.enum(['never', 'on_failure', 'always']).optional(),
    samples: samplesObject.default({ match: [], no_match: [] }),
  })
  .strict();
export type RawRule = z.infer<typeof ruleSchema>;

/** The file around the rules; each rule is checked on its own so that one bad rule does not hide the others. */
export const fileSchema = z
  .object({
    version: z.literal(1).optional(),
    define: z
      .record(z.string().regex(/^[A-Za-z_][\w-]*$/, 'a name of letters, digits, _ and -'), z.string().min(1))
      .default({}),
    min_level: z
      .enum(MIN_LEVELS)
      .default('WARN')
      .describe('JSON records below this level are not matched by bare regexes'),
    ignore: listOf(alternative).default([]),
    rules: z.array(z.unknown()).min(1, 'at least one rule'),
  })
  .strict();

/** The keys each mapping of the file may hold, for "did you mean" in messages. */
export const KNOWN_KEYS = {
  file: Object.keys(fileSchema.shape),
  rule: Object.keys(ruleSchema.shape),
  action: Object.keys(action.shape),
  alternative: Object.keys(alternativeObject.shape),
  samples: Object.keys(samplesObject.shape),
  positive: Object.keys(positiveObject.shape),
  negative: Object.keys(negativeObject.shape),
} as const;
