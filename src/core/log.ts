// pino in the log format of ARCHITECTURE.md: one JSON object a line with ts, level, component, app, msg,
// request_id where one applies, then fields. Lines go to stdout and to logs/centinela.log, rotated by size.
// Secrets never reach a line: secret-named fields and token-shaped strings are redacted.
import { mkdirSync, renameSync, symlinkSync, unlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import pino from 'pino';
import type { DestinationStream, Logger } from 'pino';
import pinoRoll from 'pino-roll';
import type { SonicBoom } from 'sonic-boom';

export type { Logger } from 'pino';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogOptions {
  level: LogLevel;
  /** Folder for centinela.log; null writes no file (CLI commands, tests). */
  dir: string | null;
  stdout: boolean;
  rotate: { size: string; keep: number };
  /** Secret values (API keys, tokens) to mask wherever they appear. */
  secrets?: string[];
  /** Where lines go instead of stdout (tests). */
  stdoutStream?: DestinationStream;
}

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
const LEVEL_NAMES: Record<string, string> = { trace: 'DEBUG', debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR', fatal: 'ERROR' };
const SECRET_KEY = /token|secret|passw(or)?d|api_?key|^key$|authorization|credential/i;
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
    sinks.push(stdout);
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
    },
    destination,
  );
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
  rotate: { size: string; keep: number },
  onError: (err: Error) => void,
): Promise<{ file: SonicBoom; filePath: string }> {
  mkdirSync(dir, { recursive: true });
  const file: SonicBoom = await pinoRoll({
    file: join(dir, 'centinela'),
    extension: '.log',
    size: rotate.size,
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

/** Replaces the value of every field whose name says it holds a secret, at any depth of plain objects. */
export function redactFields<T extends Record<string, unknown>>(obj: T): T {
  let copy: Record<string, unknown> | null = null;
  for (const [key, value] of Object.entries(obj)) {
    let next = value;
    if (SECRET_KEY.test(key) && value !== null && value !== undefined) next = REDACTED;
    else if (isPlainObject(value)) next = redactFields(value);
    else if (Array.isArray(value)) next = value.map((v) => (isPlainObject(v) ? redactFields(v) : v));
    if (next !== value) {
      copy ??= { ...obj };
      copy[key] = next;
    }
  }
  return (copy ?? obj) as T;
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
