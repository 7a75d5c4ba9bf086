// Logs each problem once per subject and condition, and once more when it clears: the tailer retries every tick,
// and a line per retry would flood the log it may itself be reading.
import type { Logger } from '../../core/log.ts';
import type { Problem } from './discover.ts';

export class ProblemLog {
  readonly #log: Logger;
  /** kind → subject → condition now reported. */
  readonly #active = new Map<string, Map<string, string>>();

  constructor(log: Logger) {
    this.#log = log;
  }

  report(kind: string, problem: Problem, err?: unknown): void {
    const active = this.#kind(kind);
    if (active.get(problem.subject) === problem.condition) return;
    active.set(problem.subject, problem.condition);
    this.#log.warn(
      { subject: problem.subject, condition: problem.condition, ...(err ? { err } : {}) },
      problem.message,
    );
  }

  clear(kind: string, subject: string, message: string): void {
    if (this.#kind(kind).delete(subject)) this.#log.info({ subject }, message);
  }

  /** The problems of one kind seen in a full pass: those reported before and not seen now are over. */
  sync(kind: string, problems: readonly Problem[], resolved: (subject: string) => string): void {
    const now = new Set(problems.map((p) => p.subject));
    for (const subject of [...this.#kind(kind).keys()])
      if (!now.has(subject)) this.clear(kind, subject, resolved(subject));
    for (const p of problems) this.report(kind, p);
  }

  #kind(kind: string): Map<string, string> {
    let m = this.#active.get(kind);
    if (!m) this.#active.set(kind, (m = new Map()));
    return m;
  }
}
