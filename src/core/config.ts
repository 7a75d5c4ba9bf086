// One zod schema for every setting. Sources, later wins: defaults → YAML file → CENTINELA_<SECTION>_<KEY>.
// Secrets come only from the environment and never sit in the file.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { closest } from 'fastest-levenshtein';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { configSchema } from './config-schema.ts';
import { ConfigError } from './config-error.ts';
import { SECRET_ENV, describeSecret, secretInside, secretVariableFor } from './config-secrets.ts';
import type { SecretName } from './config-secrets.ts';
import { redactText } from './log.ts';
import { getPath } from './object-path.ts';

export { CONFIG_EXIT_CODE, ConfigError } from './config-error.ts';

export { CSV_FIELDS, configSchema, parseDuration } from './config-schema.ts';
export type Config = z.infer<typeof configSchema>;
export type { CreatorConfig, ProbeConfig } from './config-schema.ts';

export { SECRET_ENV, describeSecret } from './config-secrets.ts';
export type { SecretName } from './config-secrets.ts';
export type Secrets = Partial<Record<SecretName, string>>;

export interface LoadedConfig {
  config: Config;
  secrets: Secrets;
  /** The YAML file that was read, if any. */
  file: string | null;
}

export interface LoadOptions {
  /** --config FILE; falls back to CENTINELA_CONFIG, then config/centinela.yaml if it exists. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Environment variables that are not settings although they start with CENTINELA_. */
const NON_SETTING_ENV = new Set(['CENTINELA_CONFIG', 'CENTINELA_API_TOKEN', 'CENTINELA_HOST_NAME']);

export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const problems: string[] = [];
  const origin = new Map<string, string>();

  const file = pickFile(options.file ?? env.CENTINELA_CONFIG, cwd, problems);
  const raw: Record<string, unknown> = file ? readYaml(file, problems) : {};
  for (const path of leafPaths(raw)) origin.set(path, file ?? '');

  const known = settingPaths();
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('CENTINELA_') || NON_SETTING_ENV.has(name) || value === undefined) continue;
    const path = known.get(name);
    if (!path) {
      const secret = secretVariableFor([name.slice('CENTINELA_'.length).toLowerCase()], value);
      if (secret) {
        problems.push(`${name}: not read; this secret has its own variable: set ${secret} instead`);
        continue;
      }
      const guess = closest(name, [...known.keys()]);
      problems.push(`${name}: unknown setting in the environment; did you mean ${guess}?`);
      continue;
    }
    setPath(raw, path, parseEnvValue(value));
    origin.set(path.join('.'), name);
  }

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(...describeIssue(issue, raw, origin, known));
  }
  const secrets = readSecrets(env, problems);
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const config = parsed.data;
  for (const key of ['data', 'logs', 'media'] as const) config.paths[key] = resolve(cwd, config.paths[key]);
  if (config.invoices.inbox) config.invoices.inbox = resolve(cwd, config.invoices.inbox);
  if (config.backup.dir) config.backup.dir = resolve(cwd, config.backup.dir);
  return { config, secrets, file };
}

function pickFile(explicit: string | undefined, cwd: string, problems: string[]): string | null {
  if (explicit) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path))
      problems.push(`config file ${path} does not exist; copy config/centinela.example.yaml there or fix the path`);
    return existsSync(path) ? path : null;
  }
  const path = resolve(cwd, 'config/centinela.yaml');
  return existsSync(path) ? path : null;
}

function readYaml(file: string, problems: string[]): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    problems.push(`${file}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
    return {};
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${file}: expected a mapping of sections (paths:, http:, ...) at the top level`);
    return {};
  }
  return value as Record<string, unknown>;
}

/** Environment values are YAML scalars: "8787" is a number, "true" a boolean, "[a, b]" a list. */
function parseEnvValue(value: string): unknown {
  try {
    return parseYaml(value);
  } catch {
    return value;
  }
}

/** Every leaf setting, keyed by its environment variable name. */
function settingPaths(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const walk = (schema: z.ZodType, path: string[]): void => {
    const inner = unwrap(schema);
    if (inner instanceof z.ZodObject) {
      for (const [key, child] of Object.entries(inner.shape as Record<string, z.ZodType>)) walk(child, [...path, key]);
    } else {
      out.set(`CENTINELA_${path.join('_').toUpperCase()}`, path);
    }
  };
  walk(configSchema, []);
  return out;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  while (current instanceof z.ZodDefault || current instanceof z.ZodPrefault || current instanceof z.ZodOptional) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}

function describeIssue(
  issue: z.core.$ZodIssue,
  raw: Record<string, unknown>,
  origin: Map<string, string>,
  known: Map<string, string[]>,
): string[] {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const leaves = [...known.values()].map((p) => p.join('.'));
    const sections = [
      ...new Set([...known.values()].flatMap((p) => p.slice(1).map((_, i) => p.slice(0, i + 1).join('.')))),
    ];
    return issue.keys.map((key) => {
      const full = [...path, key].join('.');
      const where = origin.get(full) ?? firstOrigin(origin, full);
      const secret = secretInside([...path, key], getPath(raw, [...path, key]));
      if (secret)
        return `${full}: secrets are read only from the environment; remove it from ${where} and set ${secret}`;
      // A misspelt section (a mapping) is compared with the sections, a misspelt setting with the settings.
      const value = getPath(raw, [...path, key]);
      const candidates = value !== null && typeof value === 'object' && !Array.isArray(value) ? sections : leaves;
      return `${full}: unknown key${where ? ` (in ${where})` : ''}; did you mean ${closest(full, candidates)}?`;
    });
  }
  const dotted = path.join('.');
  // A key inside a mapping set as a whole (CENTINELA_INVOICES_CSV_COLUMNS) came from where the mapping came from.
  const where = path.map((_, i) => origin.get(path.slice(0, path.length - i).join('.'))).find(Boolean);
  // A custom check's message says all there is to say; a type or format error also shows what it got.
  const got = issue.code === 'custom' ? '' : `, got ${showValue(getPath(raw, path))}`;
  return [
    `${dotted}: ${issue.message.replace(/^Invalid (input|option): /, '').replace(/, received \w+$/, '')}${got}${where ? ` (from ${where})` : ''}`,
  ];
}

/**
 * A bad value as a message shows it: scalars as JSON with bot tokens and URL passwords masked (a database URL or
 * a token pasted in the wrong place must not reach the terminal or journald), mappings and lists only by kind.
 */
function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'a mapping';
  return redactText(JSON.stringify(value));
}

function firstOrigin(origin: Map<string, string>, prefix: string): string | undefined {
  for (const [path, source] of origin) if (path === prefix || path.startsWith(`${prefix}.`)) return source;
  return undefined;
}

function readSecrets(env: NodeJS.ProcessEnv, problems: string[]): Secrets {
  const secrets: Secrets = {};
  for (const name of SECRET_ENV) {
    const value = env[name]?.trim();
    if (value) secrets[name] = value;
  }
  const url = secrets.DATABASE_URL;
  if (url && !/^postgres(ql)?:\/\/.+/.test(url)) {
    problems.push(
      `DATABASE_URL: expected a PostgreSQL URL such as postgres://user:password@host:5432/db, got ${describeSecret(url)}; unset it to use the embedded SQLite store`,
    );
  }
  return secrets;
}

function leafPaths(value: unknown, prefix: string[] = []): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return prefix.length ? [prefix.join('.')] : [];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
}

function setPath(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let current = obj;
  for (const key of path.slice(0, -1)) {
    const next = current[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) current[key] = {};
    current = current[key] as Record<string, unknown>;
  }
  current[path[path.length - 1] as string] = value;
}

/** Every setting with its default and description, for docs and `centinela doctor`. */
export function describeSettings(): Array<{
  key: string;
  env: string;
  default: unknown;
  description: string;
  example?: string[];
}> {
  const defaults = configSchema.parse({});
  return [...settingPaths()].map(([env, path]) => {
    let schema: z.ZodType = configSchema;
    for (const key of path) schema = (unwrap(schema) as z.ZodObject).shape[key] as z.ZodType;
    // A size or duration is documented as written ('10m'), not as handed out (bytes, milliseconds).
    const value = schema instanceof z.ZodPrefault ? schema.def.defaultValue : getPath(defaults, path);
    const example = z.globalRegistry.get(schema)?.example;
    return {
      key: path.join('.'),
      env,
      default: value,
      description: schema.description ?? '',
      ...(Array.isArray(example) ? { example: example.map(String) } : {}),
    };
  });
}
