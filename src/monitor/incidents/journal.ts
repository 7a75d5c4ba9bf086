// logs/incidents.jsonl: every state change of an incident as one JSON line, the architecture's public record.
// The store is the truth; this file is an export, so a failed write (a full disk) never fails the caller.
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../../core/log.ts';
import type { Incident } from './tables.ts';

export interface JournalLine {
  timestamp: string;
  id: number;
  fingerprint: string;
  rule: string;
  model: string | null;
  video: string | null;
  error_type: string;
  error_message: string;
  action: string | null;
  state: string;
  attempt: number;
  max_attempts: number;
  count: number;
}

export function journalLine(incident: Incident, at: number): JournalLine {
  return {
    timestamp: new Date(at).toISOString(),
    id: incident.id,
    fingerprint: incident.fingerprint,
    rule: incident.rule,
    model: incident.fields.model ?? null,
    video: incident.fields.video ?? null,
    error_type: incident.errorType,
    error_message: incident.message,
    action: incident.action,
    state: incident.state,
    attempt: incident.attempt,
    max_attempts: incident.maxAttempts,
    count: incident.count,
  };
}

export class Journal {
  readonly #file: string | null;
  readonly #log: Logger | null;
  /** Writes of this process go one after another, so lines keep the order of the changes. */
  #tail: Promise<void> = Promise.resolve();
  #madeDir = false;
  #failing = false;

  constructor(file: string | null, log: Logger | null) {
    this.#file = file;
    this.#log = log;
  }

  /** Appends one line; resolves once written or given up (never rejects). */
  append(line: JournalLine): Promise<void> {
    const file = this.#file;
    if (!file) return Promise.resolve();
    this.#tail = this.#tail.then(() => this.#write(file, `${JSON.stringify(line)}\n`));
    return this.#tail;
  }

  async #write(file: string, text: string): Promise<void> {
    try {
      if (!this.#madeDir) {
        await mkdir(dirname(file), { recursive: true });
        this.#madeDir = true;
      }
      await appendFile(file, text);
      if (this.#failing) {
        this.#failing = false;
        this.#report('info', null, 'the incident journal is written again');
      }
    } catch (err) {
      // Once per outage, not once per line: a full disk would otherwise flood the log it is also filling.
      if (!this.#failing)
        this.#report('warn', err, 'cannot write the incident journal; incidents are still kept in the store');
      this.#failing = true;
    }
  }

  #report(level: 'info' | 'warn', err: unknown, msg: string): void {
    if (this.#log) {
      if (level === 'warn') this.#log.warn({ err, file: this.#file }, msg);
      else this.#log.info({ file: this.#file }, msg);
    } else if (level === 'warn') {
      process.stderr.write(`centinela: ${msg} (${this.#file}): ${(err as Error).message}\n`);
    }
  }
}
