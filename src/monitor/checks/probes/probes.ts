// Pipeline probes: each counts something a data pipeline beside Centinela produces (lines in JSONL files, files,
// rows in a database) so that "nothing new for 6 h" and "loaded < 50% of scraped" become incidents.
import type { ProbeConfig } from '../../../core/config.ts';
import { parseDuration } from '../../../core/config.ts';
import type { Logger } from '../../../core/log.ts';
import type { Check, CheckResult } from '../../types.ts';
import { verdict } from './evaluate.ts';
import { matchFiles } from './files.ts';
import { LineCounter } from './lines.ts';
import { SqlCounter } from './sql-count.ts';
import type { ProbeSnapshot } from './types.ts';

export interface ProbesOptions {
  probes: ProbeConfig[];
  env: NodeJS.ProcessEnv;
  intervalMs: number;
  log: Logger;
  now?: () => number;
}

interface Measure {
  count: number;
  /** Newest file time; undefined: the count's own growth tells what is new (sql_count). */
  newestAt?: number | null;
}

interface Entry {
  probe: ProbeConfig;
  maxAgeMs: number | null;
  measure: () => Promise<Measure>;
  snapshot: ProbeSnapshot;
  since: number | null;
  /** The last count measured successfully (kept through errors, so an outage does not look like growth). */
  lastCount: number | null;
  sql: SqlCounter | null;
}

export class Probes {
  readonly check: Check;
  readonly #entries: Entry[];
  readonly #log: Logger;
  readonly #now: () => number;

  /** Throws one error listing every probe that is misconfigured (unknown min_ratio_of, not a SELECT, missing env). */
  constructor(o: ProbesOptions) {
    this.#log = o.log;
    this.#now = o.now ?? Date.now;
    const problems: string[] = [];
    const names = new Set<string>();
    for (const p of o.probes) {
      if (names.has(p.name)) problems.push(`probe ${p.name}: the name is used twice; give each probe its own name`);
      names.add(p.name);
    }
    this.#entries = [];
    for (const p of o.probes) {
      try {
        this.#entries.push(this.#entry(p, o, names));
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
    if (problems.length > 0) throw new Error(`monitor.probes:\n  - ${problems.join('\n  - ')}`);
    this.check = { id: 'probe', intervalMs: o.intervalMs, run: () => this.#run() };
  }

  snapshot(): ProbeSnapshot[] {
    return this.#entries.map((e) => ({ ...e.snapshot }));
  }

  async close(): Promise<void> {
    await Promise.all(this.#entries.map((e) => e.sql?.close()));
  }

  #entry(p: ProbeConfig, o: ProbesOptions, names: Set<string>): Entry {
    if (p.min_ratio_of && (!names.has(p.min_ratio_of) || p.min_ratio_of === p.name)) {
      throw new Error(`probe ${p.name}: min_ratio_of names "${p.min_ratio_of}", which is not another probe; use the name of the probe it is compared with`);
    }
    const maxAgeMs = p.max_age ? parseDuration(p.max_age) : null;
    const snapshot: ProbeSnapshot = { name: p.name, stage: p.stage, count: null, newestAt: null, error: null, checkedAt: 0 };
    const entry: Entry = { probe: p, maxAgeMs, snapshot, since: null, lastCount: null, sql: null, measure: async () => ({ count: 0 }) };
    if (p.kind === 'sql_count') {
      const url = o.env[p.database_url_env];
      if (!url) throw new Error(`probe ${p.name}: the environment variable ${p.database_url_env} (database_url_env) is not set; set it to the PostgreSQL URL to count in`);
      // The statement may run until shortly before the next run; never longer than a minute.
      const sql = new SqlCounter({ probe: p.name, sql: p.sql, url, timeoutMs: Math.min(60_000, Math.max(1_000, o.intervalMs / 2)) });
      entry.sql = sql;
      entry.measure = async () => ({ count: await sql.count() });
    } else if (p.kind === 'lines') {
      const lines = new LineCounter();
      entry.measure = async () => {
        const files = await matchFiles(p.glob);
        return { count: await lines.count(files), newestAt: newest(files) };
      };
    } else {
      entry.measure = async () => {
        const files = await matchFiles(p.glob);
        return { count: files.length, newestAt: newest(files) };
      };
    }
    return entry;
  }

  async #run(): Promise<CheckResult[]> {
    const now = this.#now();
    await Promise.all(this.#entries.map((e) => this.#measure(e, now)));
    const byName = new Map(this.#entries.map((e) => [e.probe.name, e.snapshot]));
    return this.#entries.map((e) =>
      verdict({
        probe: e.probe,
        maxAgeMs: e.maxAgeMs,
        snapshot: e.snapshot,
        of: e.probe.min_ratio_of ? (byName.get(e.probe.min_ratio_of) ?? null) : null,
        since: e.since ?? now,
        now,
      }),
    );
  }

  async #measure(e: Entry, now: number): Promise<void> {
    e.since ??= now;
    const s = e.snapshot;
    try {
      const m = await e.measure();
      if (m.newestAt !== undefined) s.newestAt = m.newestAt;
      // A count seen for the first time is news only if there is something; after that, only growth is.
      else if (e.lastCount === null ? m.count > 0 : m.count > e.lastCount) s.newestAt = now;
      e.lastCount = m.count;
      if (s.error !== null) this.#log.info({ probe: s.name }, 'probe measures again');
      s.count = m.count;
      s.error = null;
    } catch (err) {
      const message = (err as Error).message;
      // Logged when the error changes, not every interval.
      if (s.error !== message) this.#log.warn({ probe: s.name, error: message }, 'probe could not measure');
      s.count = null;
      s.error = message;
    }
    s.checkedAt = now;
  }
}

function newest(files: ReadonlyArray<{ mtimeMs: number }>): number | null {
  let at: number | null = null;
  for (const f of files) at = Math.max(at ?? 0, Math.floor(f.mtimeMs));
  return at;
}
