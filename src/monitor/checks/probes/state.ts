// What the probes remember in the store, so that a restart changes nothing they judge: each probe's last value and
// when it last changed (a restarted monitor's first measurement is compared with it, never taken as news), and the
// recent counts of the probes in a ratio (what each stage produced within the window).
import type { Kysely } from 'kysely';
import { withTables } from '../../../core/store/index.ts';
import type { Database, Store, StoreMigration } from '../../../core/store/index.ts';

export interface MonitorProbesTable {
  name: string;
  /** What the probe measures (kind, glob or sql, database variable): another setting starts it over. */
  config_key: string;
  unit: string;
  stage: string;
  count: number | null;
  newest_at: number | null;
  since: number;
  checked_at: number;
  error: string | null;
}

export interface MonitorProbeSamplesTable {
  probe: string;
  at: number;
  count: number;
}

export interface ProbeTables {
  monitor_probes: MonitorProbesTable;
  monitor_probe_samples: MonitorProbeSamplesTable;
}

export const probesMigration: StoreMigration = {
  name: '0560_monitor_probes',
  async up(db) {
    await db.schema
      .createTable('monitor_probes')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('config_key', 'text', (c) => c.notNull())
      .addColumn('unit', 'text', (c) => c.notNull())
      .addColumn('stage', 'text', (c) => c.notNull())
      .addColumn('count', 'double precision')
      .addColumn('newest_at', 'bigint')
      .addColumn('since', 'bigint', (c) => c.notNull())
      .addColumn('checked_at', 'bigint', (c) => c.notNull())
      .addColumn('error', 'text')
      .execute();
    await db.schema
      .createTable('monitor_probe_samples')
      .addColumn('probe', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('count', 'double precision', (c) => c.notNull())
      .addPrimaryKeyConstraint('monitor_probe_samples_pk', ['probe', 'at'])
      .execute();
  },
};

export interface ProbeRecord {
  name: string;
  configKey: string;
  unit: string;
  stage: string;
  count: number | null;
  newestAt: number | null;
  since: number;
  checkedAt: number;
  error: string | null;
}

export interface Sample {
  at: number;
  count: number;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export class ProbeState {
  readonly #db: Kysely<Database & ProbeTables>;

  constructor(store: Store) {
    this.#db = withTables<ProbeTables>(store);
  }

  async all(): Promise<ProbeRecord[]> {
    const rows = await this.#db.selectFrom('monitor_probes').selectAll().orderBy('name').execute();
    return rows.map((r) => ({
      name: r.name,
      configKey: r.config_key,
      unit: r.unit,
      stage: r.stage,
      count: num(r.count),
      newestAt: num(r.newest_at),
      since: Number(r.since),
      checkedAt: Number(r.checked_at),
      error: r.error,
    }));
  }

  async save(p: ProbeRecord): Promise<void> {
    const values = {
      name: p.name,
      config_key: p.configKey,
      unit: p.unit,
      stage: p.stage,
      count: p.count,
      newest_at: p.newestAt,
      since: p.since,
      checked_at: p.checkedAt,
      error: p.error,
    };
    const { name: _name, ...update } = values;
    await this.#db
      .insertInto('monitor_probes')
      .values(values)
      .onConflict((oc) => oc.column('name').doUpdateSet(update))
      .execute();
  }

  /** Probes no longer configured leave /status. */
  async keepOnly(names: readonly string[]): Promise<void> {
    let q = this.#db.deleteFrom('monitor_probes');
    if (names.length > 0) q = q.where('name', 'not in', names);
    await q.execute();
    let s = this.#db.deleteFrom('monitor_probe_samples');
    if (names.length > 0) s = s.where('probe', 'not in', names);
    await s.execute();
  }

  async addSample(probe: string, at: number, count: number): Promise<void> {
    await this.#db
      .insertInto('monitor_probe_samples')
      .values({ probe, at, count })
      .onConflict((oc) => oc.columns(['probe', 'at']).doUpdateSet({ count }))
      .execute();
  }

  /** Samples since `from`, oldest first, plus the last one before it (the window's baseline). */
  async samples(probe: string, from: number): Promise<Sample[]> {
    const base = await this.#db
      .selectFrom('monitor_probe_samples')
      .select(['at', 'count'])
      .where('probe', '=', probe)
      .where('at', '<=', from)
      .orderBy('at', 'desc')
      .limit(1)
      .execute();
    const rest = await this.#db
      .selectFrom('monitor_probe_samples')
      .select(['at', 'count'])
      .where('probe', '=', probe)
      .where('at', '>', from)
      .orderBy('at')
      .execute();
    return [...base, ...rest].map((r) => ({ at: Number(r.at), count: Number(r.count) }));
  }

  async pruneSamples(before: number): Promise<void> {
    await this.#db.deleteFrom('monitor_probe_samples').where('at', '<', before).execute();
  }

  async clearSamples(probe: string): Promise<void> {
    await this.#db.deleteFrom('monitor_probe_samples').where('probe', '=', probe).execute();
  }
}

/**
 * What a count grew by within [from, now]: the increments after the baseline (the last sample at or before `from`),
 * a fall (rows pruned, files rotated away) adding nothing. Null when the history does not reach back to `from`.
 */
export function growthSince(samples: readonly Sample[], from: number): number | null {
  const first = samples[0];
  if (!first || first.at > from) return null;
  let growth = 0;
  for (let i = 1; i < samples.length; i++)
    growth += Math.max(0, (samples[i]?.count ?? 0) - (samples[i - 1]?.count ?? 0));
  return growth;
}
