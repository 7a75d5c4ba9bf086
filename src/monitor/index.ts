// The monitor's public face: the module, its migrations, and what the bot and the CLI read (incidents, silences).
import type { StoreMigration } from '../core/store/index.ts';
import { repairsMigration } from './actions/index.ts';
import { probesMigration } from './checks/index.ts';
import { dockerMigration } from './docker/index.ts';
import { maintenanceMigration } from './maintenance/index.ts';
import { incidentsMigration } from './incidents/index.ts';
import { tailMigration } from './tail/index.ts';

export { MonitorModule } from './module.ts';
export { Incidents, repairRunsSince, utcDayStart } from './incidents/index.ts';
export type { Incident } from './incidents/index.ts';
export { Silences, formatIncident } from './alerts/index.ts';
export { RulesError, SHIPPED_RULES, checkSamples, loadRules, toRecord } from './rules/index.ts';
export type { RuleSet } from './rules/index.ts';
export type { Finding } from './types.ts';
export { ProbeState, Probes, unitOf } from './checks/index.ts';
export { checkContainers, describeError as describeDockerError, openDocker } from './docker/index.ts';
export { Maintenance, maintenanceTargets } from './maintenance/index.ts';
export type { MaintenanceWindow } from './maintenance/index.ts';
export type { ProbeRecord } from './checks/index.ts';

/** The monitor's tables, in the order their names sort. */
export const MONITOR_MIGRATIONS: readonly StoreMigration[] = [tailMigration, incidentsMigration, repairsMigration, dockerMigration, probesMigration, maintenanceMigration];
