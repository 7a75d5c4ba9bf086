// The monitor's public face: the module, its migrations, and what the bot and the CLI read (incidents, silences).

export { MonitorModule } from './module.ts';
export { Incidents, repairRunsSince, utcDayStart } from './incidents/index.ts';
export type { Incident } from './incidents/index.ts';
export { Silences, formatIncident } from './alerts/index.ts';
export { RulesError, SHIPPED_RULES, checkSamples, loadRules } from './rules/index.ts';
export { readNumberedRecords } from './tail/index.ts';
export type { RuleSet } from './rules/index.ts';
export type { Finding } from './types.ts';
export { ProbeState, Probes, unitOf } from './checks/index.ts';
export type { ProbeRecord } from './checks/index.ts';
export { checkContainers, describeError as describeDockerError, openDocker } from './docker/index.ts';
export { Maintenance, maintenanceTargets } from './maintenance/index.ts';
export type { MaintenanceWindow } from './maintenance/index.ts';
export { MONITOR_MIGRATIONS } from './migrations.ts';
