export { uploadRoutes } from './http-upload.ts';
export type { BatchReport, UploadDeps } from './http-upload.ts';
export { InboxSource } from './inbox.ts';
export { receiveUpload, uploadLimits } from './http-upload.ts';
