// The monitor's repair actions: what the engine calls with a finding (Repairs), the breaker's migration, and the
// action type names the rules file may use.
export { Repairs } from './repairs.ts';
export type { RepairDeps } from './repairs.ts';
export { repairsMigration } from './migration.ts';
export type { RepairTables } from './migration.ts';
export { ACTION_TYPES } from './registry.ts';
export { DISK_PAUSE_PREFIX } from './pause-intake.ts';
