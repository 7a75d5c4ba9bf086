// Maintenance windows: repairs and alerts paused for a container or a probe, for a while.
export { MAX_MAINTENANCE_MS, Maintenance, maintenanceMigration, maintenanceTargets } from './maintenance.ts';
export type { MaintenanceTables, MaintenanceWindow } from './maintenance.ts';
export { MaintenancePause } from './pause.ts';
