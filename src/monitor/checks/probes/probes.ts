// Pipeline probes: each measures something a data pipeline beside Centinela produces (lines in JSONL files, files,
// rows or the newest row's time in a database) so that "nothing new for 6 h" and "loaded under half of what was
// scraped in the last 15 min" become incidents. What they measured is kept in the store (state.ts): a restart
// judges from the same history, and /status reads it from any process.
import type { ProbeConfig } from '../../../core/config.ts';
import type { Logger } from '../../../core/log.ts';
import type { Store } from '../../../core/store/index.ts';
import type { Check, CheckResult } from '../../types.ts';
import { verdict } from './evaluate.ts';
import { matchFiles } from './files.ts';
import { LineCounter } from './lines.ts';
import { checkSelect } from './sql-guard.ts';
import { dialectOf, openSqlSource } from './sql-source.ts';
import type { SqlSource } from './sql-source.ts';
import { ProbeState, growthSince } from './state.ts';
import type { ProbeSnapshot } from './types.ts';
import { toNumber, toTime } from './values.ts';

export interface ProbesOptions {
  probes: ProbeConfig[];
  env: NodeJS.ProcessEnv;
  intervalMs: number;
  log: Logger;
  /** Where they remember what they measured; null only to try each probe once (doctor). */
  store: Store | null;
  now?: () => number;
}

interface Measure {
  count: number | null;
  /** Newest file's or row's time; undefined: the count's own change tells what is new (sql_count, sql_value number). */
  newestAt?: number | null;
}

interface Entry {
  probe: ProbeConfig;
  maxAgeMs: number | null;
  windowMs: number;
  configKey: string;
  measure: () => Promise<Measure>;
  snapshot: ProbeSnapshot;
  /** The last count measured successfully (kept through errors and restarts: neither looks like growth). */
  lastCount: number | null;
  /** Its counts are kept for a ratio (it is one, or the other side of one). */
  sampled: boolean;
  sql: SqlSource | null;
}

/** The unit a probe counts in when it does not name one. */
export function unitOf(p: ProbeConfig): string {
  if (p.kind === 'sql_value' && p.value === 'timestamp') return 'time';
  if (p.unit) return p.unit;
  return { lines: 'lines', newest_file: 'files', sql_count: 'rows', sql_value: 'value' }[p.kind];
}

export class Probes {
  readonly check: Check;
  readonly #entries: Entry[];
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #state: ProbeState | null;
  readonly #intervalMs: number;
  #restored: Promise<void> | null = null;

  /**
   * Throws one error listing every probe that is misconfigured (a name used twice, unknown min_ratio_of, a ratio of
   * unlike units, not a SELECT, missing environment variable, a URL of no known database): what start refuses.
   */
  constructor(o: ProbesOptions) {
    this.#log = o.log;
    this.#now = o.now ?? Date.now;
    this.#state = o.store ? new ProbeState(o.store) : null;
    this.#intervalMs = o.intervalMs;
    const problems: string[] = [];
    const byName = new Map<string, ProbeConfig>();
    for (const p of o.probes) {
      if (byName.has(p.name)) problems.push(`probe ${p.name}: the name is used twice; give each probe its own name`);
      byName.set(p.name, p);
    }
    const sampled = new Set(o.probes.flatMap((p) => (p.min_ratio_of ? [p.name, p.min_ratio_of] : [])));
    this.#entries = [];
    for (const p of o.probes) {
      try {
        this.#entries.push(this.#entry(p, o, byName, sampled.has(p.name)));
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

  /** Measures each probe once, without judging or recording it (doctor): the error of each, or null. */
  async tryEach(): Promise<
    Array<{ probe: ProbeConfig; error: string | null; count: number | null; newestAt: number | null }>
  > {
    return Promise.all(
      this.#entries.map(async (e) => {
        try {
          const m = await e.measure();
          return { probe: e.probe, error: null, count: m.count, newestAt: m.newestAt ?? null };
        } catch (err) {
          return { probe: e.probe, error: (err as Error).message, count: null, newestAt: null };
        }
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.#entries.map((e) => e.sql?.close()));
  }

  #entry(p: ProbeConfig, o: ProbesOptions, byName: Map<string, ProbeConfig>, sampled: boolean): Entry {
    const of = p.min_ratio_of ? byName.get(p.min_ratio_of) : undefined;
    if (p.min_ratio_of && (!of || p.min_ratio_of === p.name)) {
      throw new Error(
        `probe ${p.name}: min_ratio_of names "${p.min_ratio_of}", which is not another probe; use the name of the probe it is compared with`,
      );
    }
    if (of && (unitOf(p) === 'time' || unitOf(of) === 'time')) {
      throw new Error(
        `probe ${p.name}: min_ratio_of compares counts, and ${unitOf(p) === 'time' ? p.name : of.name} measures a time; use max_age on it instead`,
      );
    }
    if (of && unitOf(p) !== unitOf(of)) {
      throw new Error(
        `probe ${p.name}: min_ratio_of compares its ${unitOf(p)} with ${of.name}'s ${unitOf(of)}; if one of each is the same thing, give both the same unit (unit: items)`,
      );
    }
    const unit = unitOf(p);
    const snapshot: ProbeSnapshot = {
      name: p.name,
      stage: p.stage,
      kind: p.kind,
      unit,
      count: null,
      newestAt: null,
      error: null,
      checkedAt: 0,
      since: 0,
    };
    const entry: Entry = {
      probe: p,
      maxAgeMs: p.max_age ?? null,
      windowMs: p.window,
      configKey: JSON.stringify([p.kind, p.glob, p.sql, p.database_url_env, p.value]),
      snapshot,
      lastCount: null,
      sampled,
      sql: null,
      measure: async () => ({ count: 0 }),
    };
    if (p.kind === 'sql_count' || p.kind === 'sql_value') {
      const url = o.env[p.database_url_env];
      if (!url)
        throw new Error(
          `probe ${p.name}: the environment variable ${p.database_url_env} (database_url_env) is not set; set it to the database URL (postgres://, mysql:// or sqlite:/path)`,
        );
      checkSelect(p.name, p.sql);
      dialectOf(p.name, url);
      const timeoutMs = p.timeout;
      const value = async (): Promise<unknown> => {
        entry.sql ??= await openSqlSource({ probe: p.name, sql: p.sql, url, timeoutMs });
        return entry.sql.value();
      };
      if (p.kind === 'sql_value' && p.value === 'timestamp')
        entry.measure = async () => ({ count: null, newestAt: toTime(p.name, await value()) });
      else if (p.kind === 'sql_value') entry.measure = async () => ({ count: toNumber(p.name, await value()) });
      else {
        entry.measure = async () => {
          const count = toNumber(p.name, await value());
          if (count === null)
            throw new Error(
              `probe ${p.name}: the query returned NULL; a sql_count query returns a number, e.g. select count(*) from items`,
            );
          return { count };
        };
      }
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

  /** Takes up what the store remembers of each probe (same settings only); forgets probes no longer configured. */
  async #restore(state: ProbeState): Promise<void> {
    const known = new Map((await state.all()).map((r) => [r.name, r]));
    for (const e of this.#entries) {
      const r = known.get(e.probe.name);
      if (r && r.configKey === e.configKey) {
        e.lastCount = r.count;
        Object.assign(e.snapshot, {
          count: r.count,
          newestAt: r.newestAt,
          since: r.since,
          checkedAt: r.checkedAt,
          error: r.error,
        });
      } else {
        await state.clearSamples(e.probe.name);
      }
    }
    await state.keepOnly(this.#entries.map((e) => e.probe.name));
  }

  async #run(): Promise<CheckResult[]> {
    const state = this.#state;
    if (!state) throw new Error('probes without a store can only be tried (tryEach), not run as a check');
    this.#restored ??= this.#restore(state).catch((err: unknown) => {
      this.#restored = null;
      throw err;
    });
    await this.#restored;
    const now = this.#now();
    await Promise.all(this.#entries.map((e) => this.#measure(e, now)));
    for (const e of this.#entries) {
      const s = e.snapshot;
      await state.save({
        name: s.name,
        configKey: e.configKey,
        unit: s.unit,
        stage: s.stage,
        count: s.count,
        newestAt: s.newestAt,
        since: s.since,
        checkedAt: s.checkedAt,
        error: s.error,
      });
      if (e.sampled && s.error === null && s.count !== null) await state.addSample(s.name, now, s.count);
    }
    const longest = Math.max(0, ...this.#entries.filter((e) => e.sampled).map((e) => e.windowMs));
    await state.pruneSamples(now - longest - 10 * this.#intervalMs);
    const byName = new Map(this.#entries.map((e) => [e.probe.name, e]));
    const results: CheckResult[] = [];
    for (const e of this.#entries) {
      const of = e.probe.min_ratio_of ? byName.get(e.probe.min_ratio_of) : undefined;
      results.push(
        verdict({
          probe: e.probe,
          maxAgeMs: e.maxAgeMs,
          snapshot: e.snapshot,
          ratio: of ? await this.#ratio(state, e, of, now) : null,
          now,
        }),
      );
    }
    return results;
  }

  /** What each side grew by within the window; null while either history is shorter than the window. */
  async #ratio(
    state: ProbeState,
    e: Entry,
    of: Entry,
    now: number,
  ): Promise<{ windowMs: number; growth: number; ofGrowth: number; of: string } | null> {
    if (e.snapshot.error !== null || of.snapshot.error !== null) return null;
    const from = now - e.windowMs;
    const growth = growthSince(await state.samples(e.probe.name, from), from);
    const ofGrowth = growthSince(await state.samples(of.probe.name, from), from);
    return growth === null || ofGrowth === null ? null : { windowMs: e.windowMs, growth, ofGrowth, of: of.probe.name };
  }

  async #measure(e: Entry, now: number): Promise<void> {
    const s = e.snapshot;
    if (s.since === 0) s.since = now;
    try {
      const m = await e.measure();
      if (m.newestAt !== undefined) s.newestAt = m.newestAt;
      // Only a change from a value measured before is news: the first measurement ever is a baseline.
      else if (
        e.lastCount !== null &&
        m.count !== null &&
        (e.probe.kind === 'sql_value' ? m.count !== e.lastCount : m.count > e.lastCount)
      )
        s.newestAt = now;
      if (m.count !== null) e.lastCount = m.count;
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
