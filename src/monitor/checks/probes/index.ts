// Pipeline probes (lines, newest_file, sql_count) for data pipelines beside Centinela.
export { Probes } from './probes.ts';
export type { ProbesOptions } from './probes.ts';
export type { ProbeSnapshot } from './types.ts';
export { checkSelect } from './sql-guard.ts';
