// The Google Drive source (issue: incremental Drive sync). Loaded only by what syncs (`centinela sync`, the service's
// schedule and /sync); @googleapis/drive itself loads at the first call.
export { runSync, syncOptionsFrom } from './run.ts';
export type { SyncDeps, SyncOptions, SyncResult } from './run.ts';
export { exitCodeOf } from './metrics.ts';
export type { OutcomeCounts, SyncMetrics } from './metrics.ts';
export { SyncBusy, DriveCritical } from './errors.ts';
export { lastDriveRun } from './last-run.ts';
export { syncSummary } from './summary.ts';
export type { LastDriveRun } from './last-run.ts';
export { DriveModule } from './module.ts';
// What `centinela doctor` needs to try the credentials and the folders, as a sync would.
export { TokenSource, keyIdentity, readGoogleKey } from './auth.ts';
export { DriveApi, FOLDER_MIME } from './api.ts';
export { DriveCallError } from './errors.ts';
