// Backups of the store: `centinela backup` and `restore`, the daily job, and what the monitor and doctor read.
export { BACKUP_QUEUE, BackupModule } from './module.ts';
export { MANIFEST_NAME, readManifest, verifyFiles } from './manifest.ts';
export type { Manifest } from './manifest.ts';
export { pgEnv } from './postgres.ts';
export { listBackups, runBackup } from './run.ts';
export type { BackupResult } from './run.ts';
export { RestoreRefused, restoreBackup } from './restore.ts';
export { backupDir } from './settings.ts';
export { lastAttempt, newestBackup } from './state.ts';
export type { BackupAttempt } from './state.ts';
