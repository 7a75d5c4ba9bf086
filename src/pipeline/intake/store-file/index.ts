// Moving a received file into our storage: named, checked, hashed on the way, written to `.part` and renamed
// only once it is on disk, with nothing left behind on failure.
export { StoreFileError } from './errors.ts';
export type { StoreFileErrorCode } from './errors.ts';
export { mediaName, remapPath } from './names.ts';
export type { PathRemap } from './names.ts';
export { checkRoom } from './room.ts';
export type { Room } from './room.ts';
export { copyLocalFile } from './copy.ts';
export type { CopiedFile, CopyLocalOptions } from './copy.ts';
export { downloadFile } from './download.ts';
export type { DownloadOptions } from './download.ts';
export type { StoredFile } from './part.ts';
export { cleanOrphanParts } from './part.ts';
