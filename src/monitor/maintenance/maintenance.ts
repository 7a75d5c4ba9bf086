// Maintenance windows: an admin stops a container or a pipeline stage on purpose (/maintenance loader 2h, or
// `centinela maintenance loader 2h`), and for that long the monitor neither repairs nor alerts about it. A window
// ends by itself; it is kept in the store, so a restart or another process honours it.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { withTables } from '../../core/store/index.ts';
import type { Database, Store, StoreMigration } from '../../core/store/index.ts';

export interface MonitorMaintenanceTable {
  /** A container in monitor.containers or a probe in monitor.probes. */
  target: string;
  until: number;
  reason: string;
  created_by: string;
  created_at: number;
}

export interface MaintenanceTables {
  monitor_maintenance: MonitorMaintenanceTable;
}

export const maintenanceMigration: StoreMigration = {
  name: '0570_monitor_maintenance',
  async up(db) {
    await db.schema
      .createTable('monitor_maintenance')
      .addColumn('target', 'text', (c) => c.primaryKey())
      .addColumn('until', 'bigint', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};

export interface MaintenanceWindow {
  target: string;
  until: number;
  reason: string;
  by: string;
  createdAt: number;
}

/** A window longer than a month is more likely a typo than a plan. */
export const MAX_MAINTENANCE_MS = 31 * 86_400_000;

const newWindow = z.object({
  target: z.string().trim().min(1, 'say which container or probe').max(200),
  durationMs: z
    .number()
    .int()
    .positive('the duration must be longer than zero')
    .max(MAX_MAINTENANCE_MS, 'a maintenance window lasts at most 31 days'),
  reason: z.string().trim().max(500, 'the reason is at most 500 characters'),
  by: z.string().trim().min(1).max(200),
});

/** The names maintenance can cover: the configured containers and probes. */
export function maintenanceTargets(monitor: {
  containers: ReadonlyArray<{ name: string }>;
  probes: ReadonlyArray<{ name: string }>;
}): string[] {
  return [...monitor.containers.map((c) => c.name.replace(/^\//, '')), ...monitor.probes.map((p) => p.name)];
}

export class Maintenance {
  readonly #db: Kysely<Database & MaintenanceTables>;
  readonly #now: () => number;

  constructor(store: Store, options: { now?: () => number } = {}) {
    this.#db = withTables<MaintenanceTables>(store);
    this.#now = options.now ?? Date.now;
  }

  /** Starts (or moves the end of) the window of a target; `targets` are the names it may cover. */
  async start(
    w: { target: string; durationMs: number; reason: string; by: string },
    targets: readonly string[],
  ): Promise<MaintenanceWindow> {
    const parsed = newWindow.safeParse(w);
    if (!parsed.success) throw new Error(`maintenance: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    const { target, durationMs, reason, by } = parsed.data;
    if (!targets.includes(target)) {
      const known = targets.length > 0 ? targets.join(', ') : 'none configured (monitor.containers, monitor.probes)';
      throw new Error(`maintenance: ${target} is not a container or probe the monitor watches; it watches: ${known}`);
    }
    const now = this.#now();
    const values = { target, until: now + durationMs, reason, created_by: by, created_at: now };
    await this.#db.deleteFrom('monitor_maintenance').where('until', '<=', now).execute();
    await this.#db
      .insertInto('monitor_maintenance')
      .values(values)
      .onConflict((oc) =>
        oc.column('target').doUpdateSet({ until: values.until, reason, created_by: by, created_at: now }),
      )
      .execute();
    return { target, until: values.until, reason, by, createdAt: now };
  }

  /** Ends a target's window now; whether one was active. */
  async end(target: string): Promise<boolean> {
    const result = await this.#db
      .deleteFrom('monitor_maintenance')
      .where('target', '=', target.trim())
      .where('until', '>', this.#now())
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Active windows, ending soonest first. */
  async active(): Promise<MaintenanceWindow[]> {
    const rows = await this.#db
      .selectFrom('monitor_maintenance')
      .selectAll()
      .where('until', '>', this.#now())
      .orderBy('until')
      .orderBy('target')
      .execute();
    return rows.map((r) => ({
      target: r.target,
      until: Number(r.until),
      reason: r.reason,
      by: r.created_by,
      createdAt: Number(r.created_at),
    }));
  }
}
