// The monitor's incidents: what a rule or a check found, counted by fingerprint (rule + target), with its
// state changes kept in the store and exported to logs/incidents.jsonl.
export { Incidents } from './incidents.ts';
export type { IncidentsOptions, Recorded } from './incidents.ts';
export { incidentsMigration } from './migration.ts';
export { repairRunsSince, utcDayStart } from './repair-runs.ts';
export type { RepairRuns } from './repair-runs.ts';
export { INCIDENT_STATES } from './input.ts';
export type { IncidentFilter, StateChange } from './input.ts';
export { toIncident } from './tables.ts';
export type { Incident, IncidentEvent, IncidentRow, IncidentTables } from './tables.ts';
export type { JournalLine } from './journal.ts';
