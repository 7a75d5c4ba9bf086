// The monitor's public face: the module, its migrations, and what the bot and the CLI read (incidents, silences).

export { MonitorModule } from './module.ts';
export { Incidents } from './incidents/index.ts';
export type { Incident } from './incidents/index.ts';
export { Silences, formatIncident } from './alerts/index.ts';
export { RulesError, SHIPPED_RULES, checkSamples, loadRules, toRecord } from './rules/index.ts';
export type { RuleSet } from './rules/index.ts';
export type { Finding } from './types.ts';
export { MONITOR_MIGRATIONS } from './migrations.ts';
