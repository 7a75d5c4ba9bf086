// Docker for the monitor: the client (openDocker), the watch (events, periodic check, container logs) and the
// migration of its log checkpoints table.
export { openDocker } from './engine.ts';
export { describeError } from './errors.ts';
export type { ContainerInfo, DockerEngine } from './engine.ts';
export { DockerWatch, checkContainers } from './watch.ts';
export type { DockerWatchOptions } from './watch.ts';
export { dockerMigration } from './checkpoints.ts';
export type { DockerLogCheckpointsTable, DockerTables } from './checkpoints.ts';
export type { WatchedContainer } from './findings.ts';
export type { ContainerLogLine } from './frames.ts';
export type { DockerEvent } from './wire.ts';
export type { RetryOptions } from './reconnect.ts';
