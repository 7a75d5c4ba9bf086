export { uploadRoutes } from './http-upload.ts';
export type { BatchReport, UploadDeps } from './http-upload.ts';
export { InboxSource } from './inbox.ts';
/** The Drive source, loaded when a sync runs (its index names what it offers). */
export const loadDrive = () => import('./drive/index.ts');
export type { LastDriveRun, OutcomeCounts, SyncMetrics, SyncOptions, SyncResult } from './drive/index.ts';
// Light: what /sync and status need without loading the sync itself.
export { DRIVE_QUEUE } from './drive/queue.ts';
export { syncInProgress } from './drive/running.ts';
export { lastDriveRun } from './drive/last-run.ts';
export { receiveUpload, uploadLimits } from './http-upload.ts';
