// Pipeline probes (lines, newest_file, sql_count, sql_value) for data pipelines beside Centinela.
export { Probes, unitOf } from './probes.ts';
export type { ProbesOptions } from './probes.ts';
export type { ProbeSnapshot } from './types.ts';
export { checkSelect } from './sql-guard.ts';
export { probesMigration, ProbeState } from './state.ts';
export type { ProbeRecord, ProbeTables } from './state.ts';
