// The monitor's tables, alone: the store's setup reads them without loading the monitor.
import type { StoreMigration } from '../core/store/index.ts';
import { repairsMigration } from './actions/migration.ts';
import { dockerMigration } from './docker/checkpoints.ts';
import { probesMigration } from './checks/probes/state.ts';
import { incidentsMigration } from './incidents/migration.ts';
import { maintenanceMigration } from './maintenance/maintenance.ts';
import { tailMigration } from './tail/migration.ts';

/** The monitor's tables, in the order their names sort. */
export const MONITOR_MIGRATIONS: readonly StoreMigration[] = [
  tailMigration,
  incidentsMigration,
  repairsMigration,
  dockerMigration,
  probesMigration,
  maintenanceMigration,
];
