// The settings' documentation, written from the zod schema so that it cannot drift from the code: the example
// config file and the README's tables (`npm run docs` writes them; test/core/config/docs.test.ts fails when stale).
import { stringify } from 'yaml';
import { describeSettings } from './config.ts';
import { SECRET_ENV, SECRET_USES } from './config-secrets.ts';

const HEADER = `# Centinela configuration. Copy this file to config/centinela.yaml (or pass --config FILE, or set
# CENTINELA_CONFIG=FILE) and change what you need; a key you leave out keeps the default shown here.
# This file is written by \`npm run docs\` from the settings' schema (src/core/config-schema.ts): edit the schema.
#
# Where a setting comes from, later wins:
#   1. the defaults (the values in this file),
#   2. this file,
#   3. the environment: CENTINELA_<SECTION>_<KEY>, e.g. CENTINELA_HTTP_PORT=9000,
#      CENTINELA_LOG_ROTATE_SIZE=50m, CENTINELA_SHUTDOWN_TIMEOUT_SECONDS=60.
# A bad value or an unknown key stops start-up with exit code 78 and a message naming the key.
#
# Secrets are never written here: they are read only from the environment (a systemd EnvironmentFile,
# docker --env-file, ...), and start-up refuses a file that holds one.
`;

/** A value as YAML writes it on one line: lists and maps in flow style, strings quoted only when they must be. */
function yamlValue(value: unknown): string {
  return stringify(value, { collectionStyle: 'flow', flowCollectionPadding: false, lineWidth: 0 }).trimEnd();
}

/** config/centinela.example.yaml: every setting with its default, its description above it, and its example. */
export function exampleConfig(): string {
  const secretWidth = Math.max(...SECRET_ENV.map((s) => s.length)) + 2;
  const lines = [HEADER.trimEnd(), ...SECRET_ENV.map((s) => `#   ${s.padEnd(secretWidth)}${SECRET_USES[s]}`)];
  let open: string[] = [];
  for (const s of describeSettings()) {
    const path = s.key.split('.');
    let shared = 0;
    while (shared < open.length && shared < path.length - 1 && open[shared] === path[shared]) shared++;
    if (shared === 0) lines.push('');
    for (let depth = shared; depth < path.length - 1; depth++) lines.push(`${'  '.repeat(depth)}${path[depth]}:`);
    open = path.slice(0, -1);
    const indent = '  '.repeat(path.length - 1);
    for (const line of s.example ?? []) lines.push(`${indent}#   ${line}`.trimEnd());
    lines.push(`${indent}# ${s.description}`, `${indent}${path.at(-1)}: ${yamlValue(s.default)}`);
  }
  return `${lines.join('\n')}\n`;
}

const cell = (text: string): string => text.replaceAll('|', '\\|');
const code = (text: string): string => `\`${text}\``;

/** The README's settings table (unformatted Markdown; Prettier aligns it). */
export function settingsTable(): string {
  const rows = describeSettings().map(
    (s) => `| ${code(s.key)} | ${code(s.env)} | ${code(cell(yamlValue(s.default)))} | ${cell(s.description)} |`,
  );
  return ['| key | environment | default | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** The README's table of the secrets read from the environment. */
export function secretsTable(): string {
  const rows = SECRET_ENV.map((s) => `| ${code(s)} | ${cell(SECRET_USES[s])} |`);
  return ['| variable | what for |', '| --- | --- |', ...rows].join('\n');
}

/** Replaces what lies between `<!-- NAME:start -->` and `<!-- NAME:end -->` in `text`. */
export function replaceSection(text: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`the README has no ${start} … ${end} section`);
  return `${text.slice(0, from + start.length)}\n\n${body}\n\n${text.slice(to)}`;
}
