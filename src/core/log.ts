// pino in the log format of ARCHITECTURE.md: one JSON object a line with ts, level, component, app, msg,
// request_id where one applies, then fields. Lines go to stdout and to logs/centinela.log, rotated by size.
// Secrets never reach a line: secret-named fields and token-shaped strings are redacted.
import { once } from 'node:events';
import { mkdirSync, renameSync, symlinkSync, unlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import pino from 'pino';
import type { DestinationStream, Logger } from 'pino';
import type { SonicBoom } from 'sonic-boom';
import { prettyLine } from './log-pretty.ts';

export type { Logger } from 'pino';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogOptions {
  level: LogLevel;
  /** Folder for centinela.log; null writes no file (CLI commands, tests). */
  dir: string | null;
  stdout: boolean;
  /** size in bytes (log.rotate.size). */
  rotate: { size: number; keep: number };
  /** Secret values (API keys, tokens) to mask wherever they appear. */
  secrets?: string[];
  /** Where lines go instead of stdout (tests). */
  stdoutStream?: DestinationStream;
  /** stdout's lines: JSON, or readable (pretty); auto: pretty on a terminal. The file is always JSON. */
  format?: LogFormat;
}

export type LogFormat = 'auto' | 'json' | 'pretty';

export interface Log {
  root: Logger;
  /** One child logger per component, as the format asks. */
  for(component: string, fields?: Record<string, unknown>): Logger;
  /** Problems with the log file since start, for /status and doctor. */
  fileProblem(): string | null;
  /** Path of the file being written, through the stable name logs/centinela.log. */
  readonly file: string | null;
  close(): Promise<void>;
}

export const LOG_FILE_NAME = 'centinela.log';
const LEVEL_NAMES: Record<string, string> = {
  trace: 'DEBUG',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'ERROR',
};
// Names that end like a secret: bot_token, apiKey, db_password. Not prompt_tokens (a count) or keyframes.
const SECRET_KEY = /(token|secret|passw(or)?d|authorization|credentials?|(^|_|api)key)$/i;
// A Telegram bot token: <bot id>:<35 characters>. It also appears inside Bot API file URLs and paths.
const BOT_TOKEN = /\d{5,}:[A-Za-z0-9_-]{35}/g;
// user:password@ in connection strings.
const URL_PASSWORD = /(\/\/[^/:@\s"]+:)[^@\s"/]+@/g;
export const REDACTED = '[redacted]';

export async function createLog(options: LogOptions): Promise<Log> {
  const sinks: DestinationStream[] = [];
  let problem: string | null = null;
  let stdout: SonicBoom | null = null;
  if (options.stdoutStream) sinks.push(options.stdoutStream);
  else if (options.stdout) {
    stdout = pino.destination({ dest: 1, sync: false });
    stdout.on('error', () => {}); // a closed stdout (EPIPE) must not take the service down
    const tty = process.stdout.isTTY === true;
    const pretty = options.format === 'pretty' || (options.format === 'auto' && tty);
    const out = stdout;
    sinks.push(
      pretty ? { write: (line: string) => out.write(`${prettyLine(line, tty && !process.env.NO_COLOR)}\n`) } : out,
    );
  }

  let file: SonicBoom | null = null;
  let filePath: string | null = null;
  if (options.dir) {
    try {
      ({ file, filePath } = await openRollingFile(options.dir, options.rotate, (err) => {
        problem = `cannot write ${filePath ?? options.dir}: ${err.message}`;
      }));
    } catch (err) {
      problem = `cannot open the log file in ${options.dir}: ${(err as Error).message}`;
    }
  }
  const fileSink = file;
  if (fileSink) {
    sinks.push({
      write(line: string) {
        fileSink.write(line);
      },
    });
    // A successful write after a failure (disk freed) clears the problem.
    fileSink.on('write', () => {
      problem = null;
    });
  }

  const secrets = (options.secrets ?? []).filter((s) => s.length >= 8);
  const destination: DestinationStream = {
    write(line: string) {
      for (const sink of sinks) sink.write(line);
    },
  };
  const root = pino(
    {
      level: options.level,
      messageKey: 'msg',
      base: { app: 'centinela' },
      timestamp: () => `,"ts":"${new Date().toISOString()}"`,
      formatters: {
        level: (label) => ({ level: LEVEL_NAMES[label] ?? label.toUpperCase() }),
        bindings: (bindings) => redactFields(bindings),
        log: (obj) => redactFields(obj),
      },
      hooks: { streamWrite: (line) => redactText(line, secrets) },
      // redactFields has already serialized every Error (so that its properties are redacted); pino's own err
      // serializer would take the result for another error and call its type "Object".
      serializers: { err: (value: unknown) => value },
    },
    destination,
  );
  // pino runs formatters.bindings on the root's base only: a child's bindings (log.for('bot', {...}),
  // logger.child({...})) would skip field redaction. Every logger descends from root, so this covers them all.
  // pino also writes a key once per logger that binds it: a child that binds a key again (the monitor's
  // `component: monitor` → `monitor.tail`) would repeat it on every line. Such a child is made from root with its
  // parent's bindings overridden, so each key appears once.
  const pinoChild = root.child;
  const rootKeys = new Set(Object.keys(root.bindings()));
  root.child = function (this: Logger, bindings, childOptions) {
    const own = redactFields(bindings);
    const inherited = this.bindings();
    if (this === root || !Object.keys(own).some((key) => key in inherited))
      return pinoChild.call(this, own, childOptions);
    const merged: Record<string, unknown> = { ...inherited, ...own };
    for (const key of rootKeys) if (!(key in own)) delete merged[key];
    return pinoChild.call(root, merged, { level: this.level, ...childOptions });
  } as Logger['child'];
  if (problem) root.child({ component: 'log' }).warn({ problem }, 'file logging is off; lines go to stdout only');

  return {
    root,
    file: filePath,
    for: (component, fields) => root.child({ component, ...fields }),
    fileProblem: () => problem,
    async close() {
      await Promise.all([stdout, file].map((s) => (s ? endStream(s) : undefined)));
    },
  };
}

/** pino-roll numbers its files (centinela.1.log, centinela.2.log, …); centinela.log always links to the current one. */
async function openRollingFile(
  dir: string,
  rotate: { size: number; keep: number },
  onError: (err: Error) => void,
): Promise<{ file: SonicBoom; filePath: string }> {
  mkdirSync(dir, { recursive: true });
  // Loaded here, by the service only: pino-roll brings date-fns (300 modules), which CLI commands never need.
  const { default: pinoRoll } = await import('pino-roll');
  const file: SonicBoom = await pinoRoll({
    file: join(dir, 'centinela'),
    extension: '.log',
    size: `${rotate.size / 1024}k`, // in its own units: pino-roll reads a bare number as megabytes
    limit: { count: rotate.keep, removeOtherLogFiles: true },
    mkdir: true,
    sync: false,
    // While the disk is full, keep at most this much in memory; older lines then go to stdout only.
    maxLength: 16 * 1024 * 1024,
  });
  const stable = join(dir, LOG_FILE_NAME);
  const link = (): void => {
    const current = (file as SonicBoom & { file: string | null }).file;
    if (!current) return; // not open yet: 'ready' calls again
    try {
      const tmp = `${stable}.${process.pid}.tmp`;
      try {
        unlinkSync(tmp);
      } catch {
        // not there: the usual case
      }
      symlinkSync(basename(current), tmp);
      renameSync(tmp, stable);
    } catch (err) {
      onError(err as Error);
    }
  };
  // The file is opened asynchronously: wait for it, or centinela.log would point at nothing for a moment and the
  // monitor, starting right after, would warn that it does not exist.
  if ((file as SonicBoom & { fd: number }).fd < 0) await once(file, 'ready');
  link();
  file.on('ready', link); // pino-roll reopens the stream on each rotation
  file.on('error', onError);
  return { file, filePath: stable };
}

function endStream(stream: SonicBoom): Promise<void> {
  return new Promise((resolve) => {
    if ((stream as SonicBoom & { destroyed?: boolean }).destroyed) return resolve();
    const timer = setTimeout(resolve, 2000); // a full disk must not hold up the exit
    stream.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    stream.once('error', () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      stream.end();
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}

/**
 * Replaces the value of every field whose name says it holds a secret, at any depth of plain objects. Errors are
 * serialized here (type, message, stack with causes, own properties) so that their properties are redacted too.
 */
export function redactFields<T extends Record<string, unknown>>(obj: T): T {
  return redactObject(obj, new Set()) as T;
}

/** `ancestors` holds the objects being redacted above this one: a reference back to one of them is a cycle. */
function redactObject(obj: Record<string, unknown>, ancestors: Set<object>): Record<string, unknown> {
  ancestors.add(obj);
  const inner = (v: unknown): unknown => {
    if (v instanceof Error)
      return redactObject(Object.fromEntries(Object.entries(pino.stdSerializers.err(v))), ancestors);
    if (!isPlainObject(v)) return v;
    return ancestors.has(v) ? '[Circular]' : redactObject(v, ancestors);
  };
  let copy: Record<string, unknown> | null = null;
  for (const [key, value] of Object.entries(obj)) {
    let next = value;
    if (SECRET_KEY.test(key) && value !== null && value !== undefined) next = REDACTED;
    else if (Array.isArray(value))
      next = value.some((v) => v instanceof Error || isPlainObject(v)) ? value.map(inner) : value;
    else next = inner(value);
    if (next !== value) {
      copy ??= { ...obj };
      copy[key] = next;
    }
  }
  ancestors.delete(obj);
  return copy ?? obj;
}

/** Masks token-shaped strings, URL passwords and known secret values in any text: messages, stacks, paths. */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(BOT_TOKEN, REDACTED).replace(URL_PASSWORD, `$1${REDACTED}@`);
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
