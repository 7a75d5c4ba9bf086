export { uploadRoutes } from './http-upload.ts';
export type { BatchReport, UploadDeps } from './http-upload.ts';
export { InboxSource } from './inbox.ts';
/** The Drive source, loaded when a sync runs (its index names what it offers). */
export const loadDrive = () => import('./drive/index.ts');
export type { LastDriveRun, OutcomeCounts, SyncMetrics, SyncOptions, SyncResult } from './drive/index.ts';
