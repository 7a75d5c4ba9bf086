// The settings: one zod schema, one section per area. Every key has a default and a description; the
// description is what config/centinela.example.yaml and the README say about it.
import { closest } from 'fastest-levenshtein';
import { z } from 'zod';

/**
 * An OpenAI-compatible endpoint is the URL up to /v1 (OpenAI answers 404 to /chat/completions elsewhere): a URL with
 * no path gets /v1 added; any other path (…/v1, or another server's own such as …/v1beta/openai) is kept as it is.
 */
const openaiBaseUrl = z
  .string()
  .trim()
  .refine(
    (v) => v === '' || (/^https?:\/\//i.test(v) && URL.canParse(v)),
    'an http(s) URL such as https://api.openai.com/v1, or empty for OpenAI',
  )
  .transform((v) => {
    if (v === '') return v;
    const url = v.replace(/\/+$/, '');
    return new URL(url).pathname.replace(/\/+$/, '') === '' ? `${url}/v1` : url;
  });

const DURATION_UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** '10s', '5m', '1h', '2d' in milliseconds; null when it is not a duration (what people type: /silence, rule parameters). */
export function parseDuration(duration: string): number | null {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(duration.trim());
  return m ? Number(m[1]) * DURATION_UNITS[m[2] as keyof typeof DURATION_UNITS] : null;
}

const SIZE_UNITS = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 } as const;

// Sizes and durations are written as people write them ('10m', '30s') and handed out parsed, in bytes and
// milliseconds, so that no user of the config parses them again. Their defaults are set with .prefault (the
// text, parsed like a value from the file: .default would skip the transform) and documented as that text.
// The regex has checked the text before the transform reads it.
const size = z
  .string()
  .regex(/^\d+(k|m|g)$/i, 'a size such as 512k, 10m or 1g')
  .transform((v) => Number(v.slice(0, -1)) * SIZE_UNITS[v.slice(-1).toLowerCase() as keyof typeof SIZE_UNITS]);

const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)$/, 'a duration such as 500ms, 10s, 5m, 1h or 2d')
  .transform((v) => parseDuration(v) ?? 0);

const probeSchema = z
  .object({
    name: z.string().regex(/^[\w][\w.-]*$/, 'a name of letters, digits, _ . -'),
    stage: z.string().default('').describe('pipeline stage it measures, for /status (scraped, loaded, vectorized)'),
    kind: z.enum(['lines', 'newest_file', 'sql_count', 'sql_value']),
    glob: z.string().default('').describe('lines, newest_file: files to look at'),
    sql: z
      .string()
      .default('')
      .describe('sql_count: one read-only SELECT returning one number; sql_value: one returning a time or a number'),
    database_url_env: z
      .string()
      .default('')
      .describe('sql_*: environment variable holding the database URL (postgres://, mysql://, sqlite:/path)'),
    value: z
      .enum(['timestamp', 'number'])
      .default('timestamp')
      .describe("sql_value: the query returns the newest item's time, or a number whose change is news"),
    unit: z
      .string()
      .regex(/^\w*$/, 'one word, such as items')
      .default('')
      .describe('what it counts, for /status and ratios; default lines, files, rows or value'),
    max_age: duration.optional().describe('a problem when nothing new has appeared for this long'),
    min_ratio_of: z
      .string()
      .default('')
      .describe(
        "another probe's name: a problem when this probe grew by under min_ratio of what that one grew within the window",
      ),
    min_ratio: z.number().min(0).max(1).default(0.5),
    window: duration.prefault('15m').describe("the time over which min_ratio compares the two probes' growth"),
    timeout: duration.prefault('15s').describe('sql_*: the statement timeout'),
    severity: z.enum(['warning', 'critical']).default('warning'),
  })
  .strict()
  .superRefine((p, ctx) => {
    if ((p.kind === 'lines' || p.kind === 'newest_file') && !p.glob)
      ctx.addIssue({ code: 'custom', message: `a ${p.kind} probe needs a glob`, path: ['glob'] });
    if ((p.kind === 'sql_count' || p.kind === 'sql_value') && (!p.sql || !p.database_url_env)) {
      ctx.addIssue({ code: 'custom', message: `a ${p.kind} probe needs sql and database_url_env`, path: ['sql'] });
    }
    if (p.kind === 'sql_value' && p.value === 'timestamp' && !p.max_age) {
      ctx.addIssue({
        code: 'custom',
        message: 'a sql_value probe of a timestamp needs max_age (how old the newest item may be)',
        path: ['max_age'],
      });
    }
  });

export type ProbeConfig = z.infer<typeof probeSchema>;

/** The invoice fields a CSV column can be read into: the pipeline's InvoiceFields (a test keeps the two equal). */
export const CSV_FIELDS = [
  'number',
  'series',
  'issuedAt',
  'currency',
  'issuerRfc',
  'issuerName',
  'receiverRfc',
  'receiverName',
  'uuid',
  'subtotal',
  'discount',
  'transferredTaxes',
  'withheldTaxes',
  'total',
  'paymentForm',
  'paymentMethod',
] as const;

/** A misspelt field would silently never be read, and an empty mapping reads no row: both stop start-up. */
function checkCsvColumns(mapping: Record<string, string>, ctx: z.RefinementCtx): void {
  const fields: readonly string[] = CSV_FIELDS;
  for (const key of Object.keys(mapping)) {
    if (fields.includes(key)) continue;
    ctx.addIssue({
      code: 'custom',
      path: [key],
      message: `not an invoice field (did you mean ${closest(key, [...fields])}?); the fields are ${fields.join(', ')}`,
    });
  }
  if (Object.keys(mapping).length === 0) {
    ctx.addIssue({
      code: 'custom',
      message: `maps no field, so no CSV row could be read; map at least total, issuedAt, issuerRfc and number (the fields are ${fields.join(', ')})`,
    });
  }
}

/** A regex setting must compile, or the module using it would fail at start with a stack trace. */
const regexString = z.string().superRefine((text, ctx) => {
  try {
    new RegExp(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `not a regular expression: ${(err as Error).message}` });
  }
});

/** An IANA time zone name the runtime knows (Intl throws a RangeError on any other). */
const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'an IANA time zone such as America/Mexico_City or Europe/Madrid');

/** A Telegram chat to publish in: a channel id (-100…, YAML reads it as a number) or @username; empty: none. */
const chatTarget = z
  .union([z.string(), z.number().int()])
  .transform((v) => String(v).trim())
  .refine(
    (v) => v === '' || /^-?\d+$/.test(v) || /^@[A-Za-z]\w{3,}$/.test(v),
    'a chat id such as -1001234567890 or @name',
  );

/** A place besides Telegram a published post is announced to: a POST of JSON, signed with a secret from the environment. */
const webhookTargetSchema = z
  .object({
    type: z.literal('webhook'),
    url: z
      .string()
      .trim()
      .refine(
        (v) => /^https?:\/\//i.test(v) && URL.canParse(v),
        'an http(s) URL such as https://example.com/hooks/centinela',
      ),
    secret_env: z
      .string()
      .regex(
        /^[A-Za-z_][A-Za-z0-9_]*$/,
        'the name of the environment variable that holds the secret (letters, digits, _), not the secret itself',
      )
      // Every CENTINELA_* variable is read as a setting, and an unknown one stops start-up.
      .refine(
        (name) => !name.startsWith('CENTINELA_'),
        'a name that does not start with CENTINELA_ (those are settings)',
      ),
    creators: z.array(z.string().min(1)).default([]),
  })
  .strict();

const creatorSchema = z
  .object({
    folder: z.string().regex(/^[\w][\w.-]*$/, 'a folder name of letters, digits, _ . - (no slashes)'),
    language: z.enum(['es', 'en']).default('es'),
    timezone: timeZone.default('UTC'),
    slots: z
      .array(z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM (24 h)'))
      .default([])
      .refine((s) => new Set(s).size === s.length, 'each slot may appear only once')
      .transform((s) => [...s].sort()),
    min_gap: duration.prefault('0s'),
    max_per_day: z.number().int().min(0).default(0),
    persona: z.string().default(''),
    hashtags: z.array(z.string().min(1)).default([]),
    banned_words: z.array(z.string().min(1)).default([]),
    caption_template: z.string().default('{text}'),
    channel: chatTarget.default(''),
    approval: z.boolean().optional(),
  })
  .strict();

export type CreatorConfig = z.infer<typeof creatorSchema>;

export const configSchema = z
  .object({
    paths: z
      .object({
        data: z.string().min(1).default('./data').describe('store (SQLite), API token, pending and quarantine files'),
        logs: z.string().min(1).default('./logs').describe('centinela.log (rotated) and incidents.jsonl'),
        media: z.string().min(1).default('./media').describe("creators' videos, one folder per creator"),
        group_readable: z
          .boolean()
          .default(false)
          .describe(
            "let the service's group read data, logs and media (files 0640, folders 0750); false: only its user (0600, 0700), whatever the umask",
          ),
      })
      .strict()
      .prefault({}),
    http: z
      .object({
        host: z
          .string()
          .min(1)
          .default('127.0.0.1')
          .describe('address of the control API; keep it on loopback unless a proxy guards it'),
        port: z.number().int().min(0).max(65535).default(8787).describe('port of the control API (0 picks a free one)'),
      })
      .strict()
      .prefault({}),
    log: z
      .object({
        level: z
          .enum(['debug', 'info', 'warn', 'error'])
          .default('info')
          .describe('lowest level written: `debug`, `info`, `warn`, `error`'),
        stdout: z.boolean().default(true).describe('also write every line to stdout (journald, docker logs)'),
        format: z
          .enum(['auto', 'json', 'pretty'])
          .default('auto')
          .describe(
            'lines on stdout: json, or pretty (readable, one line each); auto: pretty on a terminal, json otherwise. The file is always JSON',
          ),
        rotate: z
          .object({
            size: size
              .prefault('10m')
              .describe('start a new file when the current one reaches this size (`512k`, `10m`, `1g`)'),
            keep: z.number().int().min(1).max(1000).default(10).describe('rotated files kept besides the current one'),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    store: z
      .object({
        sqlite_synchronous: z
          .enum(['normal', 'full'])
          .default('normal')
          .describe('SQLite durability: `normal` survives a crash of the process, `full` also a power cut (slower)'),
        busy_timeout_ms: z
          .number()
          .int()
          .min(0)
          .default(5000)
          .describe("how long SQLite waits for another process's write lock"),
        pool_size: z.number().int().min(1).max(100).default(10).describe('PostgreSQL connections per process'),
      })
      .strict()
      .prefault({}),
    queue: z
      .object({
        poll_ms: z
          .number()
          .int()
          .min(10)
          .default(1000)
          .describe('how often an idle worker looks for work written by other processes'),
        lease_seconds: z
          .number()
          .int()
          .min(1)
          .default(60)
          .describe('a claimed job returns to the queue if its worker is silent this long'),
        max_attempts: z.number().int().min(1).default(5).describe('default attempts per job before it is dead'),
        backoff_base_seconds: z
          .number()
          .positive()
          .default(1)
          .describe('first retry waits up to this long (full jitter, doubling)'),
        backoff_cap_seconds: z.number().positive().default(300).describe('no retry waits longer than this'),
        keep_finished_days: z
          .number()
          .int()
          .min(1)
          .default(14)
          .describe('done and cancelled jobs older than this are pruned daily (03:17)'),
      })
      .strict()
      .prefault({}),
    telegram: z
      .object({
        api_root: z
          .url({ protocol: /^https?$/, message: 'an http(s) URL such as https://api.telegram.org' })
          // Trailing slashes trimmed here, once: every user appends '/bot…' or '/file/bot…' to it.
          .transform((v) => v.replace(/\/+$/, ''))
          .default('https://api.telegram.org')
          .describe('Bot API server; `http://127.0.0.1:8081` for a local telegram-bot-api server (files up to 2 GB)'),
        local_mode: z
          .boolean()
          .default(false)
          .describe('the server runs with `--local`: getFile gives a path on its disk, read from there'),
        local_path_remap: z
          .object({
            from: z
              .string()
              .default('')
              .describe("prefix of the server's file paths (e.g. `/var/lib/telegram-bot-api` inside its container)"),
            to: z
              .string()
              .default('')
              .describe('the same folder as this process sees it (e.g. the docker volume on the host)'),
          })
          .strict()
          .prefault({}),
        delete_after_copy: z
          .boolean()
          .default(false)
          .describe("local mode: delete the server's copy once the file is safely stored"),
        webhook_url: z
          .string()
          .default('')
          .describe('public HTTPS URL that reaches `/telegram/webhook` on the control API; empty: long polling'),
        poll_timeout_seconds: z
          .number()
          .int()
          .min(1)
          .max(50)
          .default(30)
          .describe(
            'long polling: how long one getUpdates waits for updates; a poll that takes 5 s longer is cut and asked again',
          ),
        poll_stalled_after: duration
          .prefault('2m')
          .describe('the monitor raises telegram_polling_stalled when no poll has come back for this long'),
        poll_lease: duration
          .prefault('30s')
          .describe(
            'several processes on one store: one holds Telegram long polling and renews its lease; when it dies another takes over within this long',
          ),
        users: z
          .array(
            z
              .object({
                id: z.number().int().positive(),
                name: z.string().min(1),
                role: z.enum(['admin', 'staff', 'model']),
                folder: z
                  .string()
                  .regex(/^[\w][\w.-]*$/, 'a folder name of letters, digits, _ . - (no slashes)')
                  .optional(),
                language: z.enum(['es', 'en']).default('es'),
              })
              .strict()
              .refine((u) => u.role !== 'model' || u.folder, { message: 'a model needs a folder', path: ['folder'] }),
          )
          .default([])
          .refine((users) => new Set(users.map((u) => u.id)).size === users.length, 'each user id may appear only once')
          .describe('who may use the bot: `[{id, name, role: admin|staff|model, folder (models), language: es|en}]`')
          .meta({
            example: [
              'Example (a user finds their id by sending /start; the bot answers with it):',
              'users:',
              '  - { id: 123456789, name: Ana, role: admin, language: es }',
              '  - { id: 234567890, name: Luis, role: staff }',
              '  - { id: 345678901, name: Victor, role: model, folder: victor, language: en }',
            ],
          }),
        admin_chats: z
          .array(z.number().int())
          .default([])
          .describe('chats that receive alerts (a user id, or a group id starting with -)'),
        groups: z.array(z.number().int()).default([]).describe('group chats the bot answers in; others are ignored'),
      })
      .strict()
      .prefault({}),
    intake: z
      .object({
        max_bytes: z
          .object({
            video: size.prefault('2g').describe('largest video accepted'),
            document: size.prefault('50m').describe('largest document (invoice PDF, XML, CSV) accepted'),
            photo: size.prefault('20m').describe('largest photo accepted'),
          })
          .strict()
          .prefault({}),
        album_wait_ms: z
          .number()
          .int()
          .min(100)
          .default(1500)
          .describe('an album (or a run of single files) closes after this long without a new item'),
        batch_window_seconds: z
          .number()
          .int()
          .min(0)
          .default(10)
          .describe('files sent one by one within this window form one batch'),
        download_concurrency: z.number().int().min(1).default(3).describe('files downloaded at the same time'),
      })
      .strict()
      .prefault({}),
    invoices: z
      .object({
        inbox: z.string().default('').describe('folder watched for invoice files (PDF, XML, CSV, photos); empty: off'),
        inbox_after: z
          .enum(['move', 'keep'])
          .default('move')
          .describe('after a file is taken: `move` it to `<inbox>/archive/YYYY-MM-DD/`, or `keep` it'),
        inbox_stable_seconds: z
          .number()
          .int()
          .min(1)
          .default(3)
          .describe('a file is taken once its size and time have not changed for this long'),
        inbox_rescan_seconds: z
          .number()
          .int()
          .min(5)
          .default(60)
          .describe('how often the whole folder is scanned for what events missed'),
        pdf_timeout_seconds: z
          .number()
          .int()
          .min(1)
          .default(30)
          .describe(
            'a PDF whose text takes longer to read is stopped and quarantined (read apart, so the service never waits for it)',
          ),
        csv_columns: z
          .record(z.string(), z.string().min(1))
          .default({
            number: 'folio',
            series: 'serie',
            issuedAt: 'fecha',
            currency: 'moneda',
            issuerRfc: 'rfc emisor',
            issuerName: 'nombre emisor',
            receiverRfc: 'rfc receptor',
            uuid: 'uuid',
            subtotal: 'subtotal',
            discount: 'descuento',
            transferredTaxes: 'iva',
            withheldTaxes: 'retenciones',
            total: 'total',
          })
          .superRefine(checkCsvColumns)
          .describe(
            'CSV invoices: invoice field → column header (case and spaces ignored); one invoice per row; every mapped column must exist. A key that is not a field stops start-up (exit 78)',
          )
          .meta({
            example: [
              'The fields a CSV column can map to: number, series, issuedAt, currency, issuerRfc, issuerName, receiverRfc,',
              'receiverName, uuid, subtotal, discount, transferredTaxes, withheldTaxes, total, paymentForm, paymentMethod.',
            ],
          }),
        price_per_million_tokens: z
          .object({
            input: z
              .number()
              .min(0)
              .default(0.15)
              .describe('price of 1M input (prompt) tokens, in `price_currency` (gpt-4o-mini: 0.15 USD)'),
            output: z
              .number()
              .min(0)
              .default(0.6)
              .describe('price of 1M output (completion) tokens (gpt-4o-mini: 0.60 USD)'),
          })
          .strict()
          .prefault({}),
        price_currency: z
          .string()
          .regex(/^[A-Z]{3}$/, 'a 3-letter currency code like USD')
          .default('USD')
          .describe("currency of the prices above and of each batch's cost (a 3-letter code)"),
        openai: z
          .object({
            model: z
              .string()
              .min(1)
              .default('gpt-4o-mini')
              .describe('model for photos and PDF text (structured outputs); used when `OPENAI_API_KEY` is set'),
            base_url: openaiBaseUrl
              .default('')
              .describe(
                "another OpenAI-compatible endpoint, up to /v1 (added when the URL has no path); empty: OpenAI's",
              ),
            requests_per_minute: z
              .number()
              .int()
              .min(1)
              .default(500)
              .describe(
                "your account's request limit for the model: where pacing starts until OpenAI's answers give the real one",
              ),
            tokens_per_minute: z
              .number()
              .int()
              .min(1)
              .default(200000)
              .describe(
                "your account's token limit for the model: where pacing starts until OpenAI's answers give the real one",
              ),
            concurrency: z
              .number()
              .int()
              .min(1)
              .default(16)
              .describe(
                'requests in flight at most: requests per second × seconds of the slowest answers, so that the pace, not this cap, sets the rate',
              ),
            timeout_seconds: z
              .number()
              .int()
              .min(1)
              .default(60)
              .describe("one attempt's time limit; a timeout is retried"),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    content: z
      .object({
        channel: chatTarget
          .default('')
          .describe("chat the creators' videos are published in (a channel id such as -100… or @name); empty: off"),
        missed_grace: duration
          .prefault('2h')
          .describe('a post whose time passed while the service was down is still published at start within this long'),
        approval: z
          .boolean()
          .default(false)
          .describe('the admins approve each caption before its post is scheduled (a creator may say otherwise)'),
        creators: z
          .array(creatorSchema)
          .default([])
          .refine((c) => new Set(c.map((x) => x.folder)).size === c.length, 'each creator folder may appear only once')
          .describe(
            'creators: `[{folder (as in telegram.users), language: es|en, timezone, slots: [HH:MM], min_gap, max_per_day, persona, hashtags, banned_words, caption_template ({creator} {date} {text}), channel, approval}]`',
          )
          .meta({
            example: [
              "Example (times are the creator's own, in their time zone; empty slots: as soon as the caption is ready):",
              'creators:',
              '  - folder: victor',
              '    language: en',
              '    timezone: America/Mexico_City',
              '    slots: ["10:00", "14:00", "19:00"]',
              '    min_gap: 2h',
              '    max_per_day: 3',
              '    persona: playful, short sentences, no slang',
              '    hashtags: ["#victor"]',
              '    banned_words: [free]',
              '    caption_template: "{text} — {creator}"',
              '    channel: "@victor_channel"',
            ],
          }),
        video: z
          .object({
            max_duration: duration
              .prefault('1h')
              .describe(
                'a longer video is refused when it is stored (Telegram takes longer ones; Gemini reads about an hour of video at default resolution). Checked with `ffprobe`; without it the duration is not known and not checked',
              ),
            max_bytes: size
              .prefault('2g')
              .describe(
                'a larger video is refused when it is stored (`2g`: what a local Bot API server can send; the cloud Bot API uploads at most 50 MB, but a video that came through Telegram is sent again by its file id)',
              ),
            ffprobe: z
              .string()
              .min(1)
              .default('ffprobe')
              .describe(
                'ffprobe to read videos with: a name looked up on `PATH`, or a path; missing: first bytes only (MP4, MOV, WebM, MKV), and `doctor` says so',
              ),
            ffmpeg: z
              .string()
              .min(1)
              .default('ffmpeg')
              .describe(
                'ffmpeg to test-decode videos with (the first 2 s and the last 3 s): a name looked up on `PATH`, or a path',
              ),
          })
          .strict()
          .prefault({}),
        gemini: z
          .object({
            model: z
              .array(z.string().trim().min(1))
              .min(1)
              .default(['gemini-2.5-flash', 'gemini-2.5-flash-lite'])
              .describe(
                'Gemini models for captions, in order: the first is tried first, the next when one is overloaded (503); used when `GEMINI_API_KEY` is set',
              ),
            base_url: z
              .string()
              .trim()
              .refine(
                (v) => v === '' || (/^https?:\/\//i.test(v) && URL.canParse(v)),
                'an http(s) URL such as https://generativelanguage.googleapis.com, or empty for Google',
              )
              .transform((v) => v.replace(/\/+$/, ''))
              .default('')
              .describe("another Gemini API endpoint, up to the host (the client adds /v1beta); empty: Google's"),
            requests_per_minute: z
              .number()
              .int()
              .min(1)
              .default(10)
              .describe("your project's generateContent limit: captions and their retries are paced under it"),
            price_per_million_tokens: z
              .object({
                input: z
                  .number()
                  .min(0)
                  .default(0.3)
                  .describe('price of 1M input tokens (video included), in USD (gemini-2.5-flash: 0.30)'),
                output: z
                  .number()
                  .min(0)
                  .default(2.5)
                  .describe('price of 1M output tokens, in USD (gemini-2.5-flash: 2.50)'),
              })
              .strict()
              .prefault({}),
            daily_budget: z
              .number()
              .min(0)
              .default(1)
              .describe(
                'USD a day (UTC) for captions; once spent, captions come from the template and the admins are told once; 0: no cap',
              ),
          })
          .strict()
          .prefault({}),
        targets: z
          .array(webhookTargetSchema)
          .default([])
          .refine((t) => new Set(t.map((x) => x.url)).size === t.length, 'each target url may appear only once')
          .describe(
            'more places a published post goes to: [{type: webhook, url, secret_env (the environment variable holding its HMAC secret), creators (folders; empty: all)}]',
          )
          .meta({
            example: [
              'Example (the receiver checks X-Centinela-Signature with the secret; see the README, Content, Webhook targets):',
              'targets:',
              '  - { type: webhook, url: https://example.com/hooks/centinela, secret_env: WEBHOOK_SECRET, creators: [victor] }',
            ],
          }),
      })
      .strict()
      .prefault({}),
    disk: z
      .object({
        warn_free: size.prefault('5g').describe('warn when a data, media or logs folder has less free space than this'),
        critical_free: size
          .prefault('2g')
          .describe('pause intake when a download would leave less free space than this'),
        clear_margin: size
          .prefault('512m')
          .describe('a disk alert clears only when free space is above its threshold plus this'),
      })
      .strict()
      .prefault({}),
    alerts: z
      .object({
        fallback_webhook: z
          .string()
          .default('')
          .describe('URL that receives (POST, JSON) what Telegram could not take in time; empty: none'),
        fallback_after_seconds: z
          .number()
          .int()
          .min(1)
          .default(300)
          .describe('how long an admin message may wait for Telegram before the fallback'),
        group_wait: duration.prefault('10s').describe('incidents that fire within this long go out as one message'),
        repeat: z
          .object({
            critical: duration.prefault('1h').describe('reminder for a critical incident still open after this long'),
            warning: duration.prefault('4h').describe('reminder for a warning still open after this long'),
          })
          .strict()
          .prefault({}),
        digest: z
          .string()
          .regex(/^(|([01]\d|2[0-3]):[0-5]\d)$/, 'a time of day as HH:MM in UTC (08:00), or "" for no digest')
          .default('')
          .describe(
            'time of day (HH:MM, UTC) of a daily message listing the targets repaired in the 24 h before; empty: none',
          ),
      })
      .strict()
      .prefault({}),
    drive: z
      .object({
        folders: z
          .array(
            z
              .string()
              .trim()
              .regex(/^[\w-]{10,}$/, 'a Drive folder id (the part of its URL after /folders/)'),
          )
          .default([])
          .describe('Drive folder ids to take invoices from, subfolders included; empty: no Drive sync'),
        mode: z
          .enum(['changes', 'modified_time'])
          .default('changes')
          .describe('changes: the Changes API (misses nothing); modified_time: modifiedTime > last sync − window'),
        schedule: z
          .string()
          .default('*/10 * * * *')
          .describe("cron expression of the service's sync runs; empty: only `centinela sync` and /sync"),
        reconcile: duration
          .prefault('1d')
          .describe('a full listing of the tree compared with what is known, this often'),
        api_root: z
          .string()
          .trim()
          .refine(
            (v) => v === '' || (/^https?:\/\//i.test(v) && URL.canParse(v)),
            'an http(s) URL, or empty for Google',
          )
          .default('')
          .describe("another Drive API endpoint, up to the host (the client adds /drive/v3); empty: Google's"),
        google_docs: z
          .enum(['export', 'skip'])
          .default('export')
          .describe('Google Docs, Sheets and Slides: exported as PDF, or skipped with a reason'),
        window_minutes: z
          .number()
          .int()
          .min(0)
          .default(1440)
          .describe('modified_time: files modified up to this long before the last sync are listed again'),
        advance_strategy: z
          .enum(['MAX_OK_TIME', 'CURRENT_TIME'])
          .default('MAX_OK_TIME')
          .describe(
            'modified_time: the last sync time moves to the newest file taken OK before any failure, or to now',
          ),
        batch_size: z.number().int().min(1).default(10).describe('files downloaded and recorded together'),
        sleep_between_batch_seconds: z.number().min(0).default(10).describe('pause between two batches of a run'),
        max_pages_per_run: z.number().int().min(1).default(10).describe('list pages one run reads at most'),
        page_size: z.number().int().min(1).max(1000).default(100).describe('items per list page'),
        retry_max: z
          .number()
          .int()
          .min(0)
          .default(5)
          .describe('tries again after 429, 5xx, rate-limit 403 or a cut download, at most'),
        retry_base_ms: z
          .number()
          .int()
          .min(1)
          .default(500)
          .describe('first wait before trying again (doubles, jitter)'),
        requests_per_second: z
          .number()
          .min(0)
          .default(5)
          .describe('Drive API requests per second at most; 0: no limit'),
      })
      .strict()
      .prefault({}),
    monitor: z
      .object({
        rules: z.string().default('').describe('rules file; empty: the shipped config/rules.yaml'),
        logs: z
          .array(z.string().min(1))
          .default([])
          .describe('more log files or globs to tail besides logs/centinela.log'),
        from: z
          .enum(['end', 'beginning'])
          .default('end')
          .describe('where to start reading a file seen for the first time'),
        max_line_bytes: z.number().int().min(256).default(65536).describe('longer lines are cut to this length'),
        multiline_start: regexString
          .default('^\\S')
          .describe('a line matching this starts a record; others (indented stack-trace lines) join the previous one'),
        allowed_roots: z
          .array(z.string().min(1))
          .default([])
          .describe('folders repairs may touch, besides paths.media and paths.data'),
        owner: z
          .string()
          .regex(/^(|\d+:\d+|[a-z_][a-z0-9_-]*)$/, 'uid:gid (1000:1000) or a user name')
          .default('')
          .describe('permission repairs chown to this user (uid:gid or a name from /etc/passwd); empty: no chown'),
        dry_run: z.boolean().default(false).describe('log what repairs would do, do nothing'),
        check_interval: duration.prefault('30s').describe('default interval of the periodic checks'),
        breaker: z
          .object({
            max_repairs: z
              .number()
              .int()
              .min(1)
              .default(5)
              .describe('repairs of one target within the window before repairing stops'),
            window: duration.prefault('15m').describe('the window repairs are counted in'),
            healthy_for: duration
              .prefault('30m')
              .describe('a target must stay healthy this long before its count resets'),
          })
          .strict()
          .prefault({}),
        repairs_warn_after: z
          .number()
          .int()
          .min(0)
          .default(3)
          .describe(
            'after this many repairs of one target in a day (UTC) the admins get one warning with the count; 0: never',
          ),
        disk_paths: z
          .array(z.string().min(1))
          .default([])
          .describe('folders whose free space is checked besides data, media and logs'),
        docker_socket: z.string().default('/var/run/docker.sock').describe('the Docker Engine API socket'),
        containers: z
          .array(
            z
              .object({
                name: z.string().min(1),
                logs: z.boolean().default(false).describe('tail its logs through the rules'),
                restart: z.boolean().default(false).describe('restart it when it stops or turns unhealthy'),
                multiline_start: z
                  .string()
                  .default('')
                  .describe("its log's record start; empty: monitor.multiline_start"),
              })
              .strict(),
          )
          .default([])
          .describe(
            'containers that must run: [{name, logs, restart, multiline_start}]; empty: Docker is not checked. `logs: true` tails its log through the rules, `restart: true` restarts it when it stops or turns unhealthy, `multiline_start` overrides `monitor.multiline_start` for its log',
          )
          .meta({
            example: ['e.g. - { name: telegram-bot-api, logs: true, restart: true }'],
          }),
        bot_api: z
          .object({
            check: z
              .enum(['auto', 'on', 'off'])
              .default('auto')
              .describe('check the Bot API server with getMe; auto: when telegram.local_mode'),
            interval: duration.prefault('10s').describe('time between two getMe calls'),
            failures: z.number().int().min(1).default(3).describe('failures in a row before it is critical'),
          })
          .strict()
          .prefault({}),
        heartbeat_stale: duration.prefault('2m').describe('a module whose heartbeat is older than this is an incident'),
        watch_url: z.string().default('').describe("alone (--only monitor): the main service's /healthz URL to watch"),
        stalled_after: duration
          .prefault('15m')
          .describe('a queue with work waiting and no progress this long is stalled'),
        post_overdue_after: duration
          .prefault('15m')
          .describe('a post still scheduled or sending this long after its planned time is overdue (an incident)'),
        probes: z
          .array(probeSchema)
          .default([])
          .describe(
            "pipeline probes: [{name, stage, kind: lines|newest_file|sql_count|sql_value, glob|sql, database_url_env, value, unit, max_age, min_ratio_of, min_ratio, window, timeout, severity}]. `database_url_env`: the variable holding the database URL (`postgres://`, `mysql://`, `sqlite:/path`); `value` (sql_value): `timestamp` (default) or `number`; `unit`: what it counts (default lines, files, rows, value; a ratio needs equal units); `min_ratio` (0.5): the least share of `min_ratio_of`'s growth within `window` (15m); `timeout` (15s): the statement timeout; `severity`: `warning` (default) or `critical`. See Probes below",
          )
          .meta({
            example: [
              'e.g. - { name: scraped, stage: scraped, kind: lines, glob: /srv/scraper/out/*.jsonl, max_age: 6h }',
              '     - { name: loaded, stage: loaded, kind: sql_count, sql: "select count(*) from items",',
              '         database_url_env: LOADER_DATABASE_URL, min_ratio_of: scraped, min_ratio: 0.5 }',
            ],
          }),
      })
      .strict()
      .prefault({}),
    shutdown: z
      .object({
        timeout_seconds: z
          .number()
          .int()
          .min(0)
          .default(30)
          .describe('on SIGTERM, how long running jobs may finish before their leases are released'),
      })
      .strict()
      .prefault({}),
    web: z
      .object({
        enabled: z.boolean().default(true).describe('serve the office web page on the control API (sign in with /web)'),
        base_url: z
          .string()
          .default('')
          .describe('what the /web sign-in link points to; empty: http://<http.host>:<http.port>'),
        session_days: z.number().int().min(1).max(365).default(14).describe('how long a web sign-in lasts'),
      })
      .strict()
      .prefault({}),
    backup: z
      .object({
        dir: z
          .string()
          .default('')
          .describe('folder of the backups (put it on another disk); empty: backups in paths.data'),
        keep: z.number().int().min(1).default(7).describe('backups kept; older ones are deleted after each new one'),
        schedule: z
          .string()
          .min(1)
          .default('30 3 * * *')
          .describe("cron expression (the server's time zone) of the scheduled backup; off: none"),
        max_age: duration
          .prefault('2d')
          .describe('the monitor raises backup_stale when the newest backup is older than this'),
        pg_bin: z
          .string()
          .default('')
          .describe("PostgreSQL: folder of pg_dump and pg_restore of the server's version; empty: found on PATH"),
      })
      .strict()
      .prefault({}),
  })
  .strict();
