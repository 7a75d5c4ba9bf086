// The repair breaker's memory, in the store so that it survives restarts and every monitor process shares it:
// one row per repair of a target, and per target whether repairs are stopped and since when it has been healthy.
import type { Generated } from 'kysely';
import { addAutoId } from '../../core/store/index.ts';
import type { StoreMigration } from '../../core/store/index.ts';

export interface MonitorRepairsTable {
  id: Generated<number>;
  target: string;
  action: string;
  at: number;
}

export interface MonitorBreakersTable {
  target: string;
  /** When repairs of the target were stopped; null while they may run. */
  opened_at: number | null;
  /** Since when the target has been reported healthy without a new problem; null while it is not. */
  healthy_since: number | null;
  updated_at: number;
}

export interface RepairTables {
  monitor_repairs: MonitorRepairsTable;
  monitor_breakers: MonitorBreakersTable;
}

export const repairsMigration: StoreMigration = {
  name: '0520_monitor_repairs',
  async up(db, kind) {
    await addAutoId(db.schema.createTable('monitor_repairs'), kind)
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('monitor_repairs_target').on('monitor_repairs').columns(['target', 'at']).execute();
    await db.schema
      .createTable('monitor_breakers')
      .addColumn('target', 'text', (c) => c.primaryKey())
      .addColumn('opened_at', 'bigint')
      .addColumn('healthy_since', 'bigint')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
