export { openStore, describeUrl, withTables } from './open.ts';
export type { Store, StoreKind, StoreOptions } from './open.ts';
export { addAutoId, migrateToLatest, pendingMigrations } from './migrate.ts';
export type { StoreMigration } from './migrate.ts';
export { coreMigration } from './migrations/0001_core.ts';
export { settingsMigration } from './migrations/0002_settings.ts';
export { JOB_STATES } from './schema.ts';
export type { Database, JobState, JobsTable, SchedulesTable, HeartbeatsTable } from './schema.ts';
export { isStoreUnavailable, isUniqueViolation } from './errors.ts';
