// The settings: one zod schema, one section per area. Every key has a default and a description; the
// description is what config/centinela.example.yaml and the README say about it.
import { z } from 'zod';

const sizeString = z.string().regex(/^\d+(k|m|g)$/i, 'a size such as 512k, 10m or 1g');

/** '512k', '10m', '2g' in bytes. */
export function parseSize(size: string): number {
  const m = /^(\d+)(k|m|g)$/i.exec(size);
  if (!m) throw new Error(`not a size: ${size}`);
  const unit = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] as string).toLowerCase() as 'k' | 'm' | 'g'];
  return Number(m[1]) * unit;
}

export const configSchema = z
  .object({
    paths: z
      .object({
        data: z.string().min(1).default('./data').describe('store (SQLite), API token, pending and quarantine files'),
        logs: z.string().min(1).default('./logs').describe('centinela.log (rotated) and incidents.jsonl'),
        media: z.string().min(1).default('./media').describe('creators\' videos, one folder per creator'),
      })
      .strict()
      .prefault({}),
    http: z
      .object({
        host: z.string().min(1).default('127.0.0.1').describe('address of the control API; keep it on loopback unless a proxy guards it'),
        port: z.number().int().min(0).max(65535).default(8787).describe('port of the control API (0 picks a free one)'),
      })
      .strict()
      .prefault({}),
    log: z
      .object({
        level: z.enum(['debug', 'info', 'warn', 'error']).default('info').describe('lowest level written'),
        stdout: z.boolean().default(true).describe('also write every line to stdout (journald, docker logs)'),
        rotate: z
          .object({
            size: sizeString.default('10m').describe('start a new file when the current one reaches this size'),
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
          .describe('SQLite durability: normal survives a crash of the process, full also a power cut (slower)'),
        busy_timeout_ms: z.number().int().min(0).default(5000).describe('how long SQLite waits for another process\'s write lock'),
        pool_size: z.number().int().min(1).max(100).default(10).describe('PostgreSQL connections per process'),
      })
      .strict()
      .prefault({}),
    queue: z
      .object({
        poll_ms: z.number().int().min(10).default(1000).describe('how often an idle worker looks for work written by other processes'),
        lease_seconds: z.number().int().min(1).default(60).describe('a claimed job returns to the queue if its worker is silent this long'),
        max_attempts: z.number().int().min(1).default(5).describe('default attempts per job before it is dead'),
        backoff_base_seconds: z.number().positive().default(1).describe('first retry waits up to this long (full jitter, doubling)'),
        backoff_cap_seconds: z.number().positive().default(300).describe('no retry waits longer than this'),
        keep_finished_days: z.number().int().min(1).default(14).describe('done and cancelled jobs older than this are pruned daily'),
      })
      .strict()
      .prefault({}),
    telegram: z
      .object({
        api_root: z
          .url({ protocol: /^https?$/, message: 'an http(s) URL such as https://api.telegram.org' })
          .default('https://api.telegram.org')
          .describe('Bot API server; http://127.0.0.1:8081 for a local telegram-bot-api server (files up to 2 GB)'),
        local_mode: z.boolean().default(false).describe('the server runs with --local: getFile gives a path on its disk, read from there'),
        local_path_remap: z
          .object({
            from: z.string().default('').describe('prefix of the server\'s file paths (e.g. /var/lib/telegram-bot-api inside its container)'),
            to: z.string().default('').describe('the same folder as this process sees it (e.g. the docker volume on the host)'),
          })
          .strict()
          .prefault({}),
        delete_after_copy: z.boolean().default(false).describe('local mode: delete the server\'s copy once the file is safely stored'),
        webhook_url: z.string().default('').describe('public HTTPS URL that reaches /telegram/webhook on the control API; empty: long polling'),
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
          .describe('who may use the bot: [{id, name, role: admin|staff|model, folder (models), language: es|en}]'),
        admin_chats: z.array(z.number().int()).default([]).describe('chats that receive alerts (a user id, or a group id starting with -)'),
        groups: z.array(z.number().int()).default([]).describe('group chats the bot answers in; others are ignored'),
      })
      .strict()
      .prefault({}),
    intake: z
      .object({
        max_bytes: z
          .object({
            video: sizeString.default('2g').describe('largest video accepted'),
            document: sizeString.default('50m').describe('largest document (invoice PDF, XML, CSV) accepted'),
            photo: sizeString.default('20m').describe('largest photo accepted'),
          })
          .strict()
          .prefault({}),
        album_wait_ms: z.number().int().min(100).default(1500).describe('an album (or a run of single files) closes after this long without a new item'),
        batch_window_seconds: z.number().int().min(0).default(10).describe('files sent one by one within this window form one batch'),
        download_concurrency: z.number().int().min(1).default(3).describe('files downloaded at the same time'),
      })
      .strict()
      .prefault({}),
    invoices: z
      .object({
        inbox: z.string().default('').describe('folder watched for invoice files (PDF, XML, CSV, photos); empty: off'),
        inbox_after: z.enum(['move', 'keep']).default('move').describe('after a file is taken: move it to <inbox>/archive/YYYY-MM-DD/, or leave it'),
        inbox_stable_seconds: z.number().int().min(1).default(3).describe('a file is taken once its size and time have not changed for this long'),
        inbox_rescan_seconds: z.number().int().min(5).default(60).describe('how often the whole folder is scanned for what events missed'),
        openai: z
          .object({
            model: z.string().min(1).default('gpt-4o-mini').describe('model for photos and PDF text (structured outputs); used when OPENAI_API_KEY is set'),
            base_url: z.string().default('').describe('another OpenAI-compatible endpoint; empty: OpenAI\'s'),
            requests_per_minute: z.number().int().min(1).default(500).describe('your account\'s request limit for the model (the client also reads it from the answers)'),
            tokens_per_minute: z.number().int().min(1).default(200000).describe('your account\'s token limit for the model'),
            concurrency: z.number().int().min(1).default(16).describe('requests in flight at most; about requests per second × seconds per answer'),
            timeout_seconds: z.number().int().min(1).default(60).describe('one attempt\'s time limit; a timeout is retried'),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    disk: z
      .object({
        warn_free: sizeString.default('5g').describe('warn when a data, media or logs folder has less free space than this'),
        critical_free: sizeString.default('2g').describe('pause intake when a download would leave less free space than this'),
      })
      .strict()
      .prefault({}),
    alerts: z
      .object({
        fallback_webhook: z.string().default('').describe('URL that receives (POST, JSON) what Telegram could not take in time; empty: none'),
        fallback_after_seconds: z.number().int().min(1).default(300).describe('how long an admin message may wait for Telegram before the fallback'),
      })
      .strict()
      .prefault({}),
    shutdown: z
      .object({
        timeout_seconds: z.number().int().min(0).default(30).describe('on SIGTERM, how long running jobs may finish before their leases are released'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

