// Which environment variable a secret found in the wrong place belongs in. A bot token pasted as
// `telegram.token` must be sent to TELEGRAM_BOT_TOKEN, not to the control API's token: the value's shape decides
// first, then the words of its whole path (`telegram.token`, `openai.api_key`, `store.password`).

/** Secrets, from the environment only. Never logged; `describeSecret` masks them for messages. */
export const SECRET_ENV = [
  'TELEGRAM_BOT_TOKEN',
  'OPENAI_API_KEY',
  'GEMINI_API_KEY',
  'DATABASE_URL',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'CENTINELA_API_TOKEN',
] as const;
export type SecretName = (typeof SECRET_ENV)[number];

/** What each secret is for: the example config's header and the README's table (npm run docs). */
export const SECRET_USES: Record<SecretName, string> = {
  TELEGRAM_BOT_TOKEN: 'the Telegram bot; without it Telegram intake is off, the rest runs',
  OPENAI_API_KEY: 'reading invoices from images and PDFs (vision)',
  GEMINI_API_KEY: "captions for creators' videos",
  DATABASE_URL:
    '`postgres://user:password@host:5432/db` — PostgreSQL or Supabase (its "connection string"); unset, SQLite in `paths.data`',
  GOOGLE_APPLICATION_CREDENTIALS: 'service-account key file (JSON) for the Google Drive source',
  CENTINELA_API_TOKEN:
    'bearer token of the control API; unset, one is generated on first start into `data/api-token` (mode 0600)',
};

// A key that names a secret, whatever it belongs to: bot_token, apiKey, db_password, database_url, credentials.
const SECRET_KEY = /token|secret|passw(or)?d|api_?key|credentials|database_?url|connection_?string|dsn/i;

/** Values that say by themselves whose secret they are. */
const SHAPES: ReadonlyArray<[RegExp, SecretName]> = [
  [/^\d{5,}:[A-Za-z0-9_-]{35}$/, 'TELEGRAM_BOT_TOKEN'],
  [/^sk-[A-Za-z0-9_-]{16,}$/, 'OPENAI_API_KEY'],
  [/^AIza[A-Za-z0-9_-]{30,}$/, 'GEMINI_API_KEY'],
  [/^postgres(ql)?:\/\//, 'DATABASE_URL'],
];

/** Words of a path, nearest the key first wins; the control API's token is what is left. */
const WORDS: ReadonlyArray<[RegExp, SecretName]> = [
  [/database_?url|dsn|connection_?string|passw(or)?d/, 'DATABASE_URL'],
  [/credentials/, 'GOOGLE_APPLICATION_CREDENTIALS'],
  [/telegram|bot/, 'TELEGRAM_BOT_TOKEN'],
  [/openai|gpt/, 'OPENAI_API_KEY'],
  [/gemini/, 'GEMINI_API_KEY'],
  [/database|postgres|supabase|store|db/, 'DATABASE_URL'],
  [/google|drive|service_?account/, 'GOOGLE_APPLICATION_CREDENTIALS'],
  [/http|api|control/, 'CENTINELA_API_TOKEN'],
];
// Words every secret's key may hold, which say nothing about whose it is ("api" in openai_api_key).
const GENERIC = /token|secret|api_?key|key/g;

/**
 * The variable a setting at `path` (an unknown key of the file, or the words of an unknown CENTINELA_ variable)
 * holding `value` should have been, or undefined when it does not look like a secret.
 */
export function secretVariableFor(path: readonly string[], value: unknown): SecretName | undefined {
  const key = path.at(-1) ?? '';
  const named = SECRET_ENV.find((name) => name === key.toUpperCase());
  if (named) return named;
  if (typeof value === 'string') {
    const shaped = SHAPES.find(([shape]) => shape.test(value.trim()));
    if (shaped) return shaped[1];
  }
  if (!SECRET_KEY.test(key)) return undefined;
  for (const segment of [...path].reverse()) {
    const words = segment.toLowerCase().replace(GENERIC, ' ');
    const found = WORDS.find(([pattern]) => pattern.test(words));
    if (found) return found[1];
  }
  return 'CENTINELA_API_TOKEN';
}

/** The first secret among the leaves of `value` (an unknown section may hold one: `bot: {token: …}`). */
export function secretInside(path: readonly string[], value: unknown): SecretName | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return secretVariableFor(path, value);
  for (const [key, inner] of Object.entries(value)) {
    const found = secretInside([...path, key], inner);
    if (found) return found;
  }
  return undefined;
}

/** A secret as it may appear in a message: its first characters and its length, nothing more. */
export function describeSecret(value: string): string {
  return `"${value.slice(0, 3)}…" (${value.length} characters, masked)`;
}
