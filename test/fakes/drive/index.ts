// The fake Google Drive v3 for tests and the benchmark: `startFakeDrive()`, then point the real client at it
// (`drive({version: 'v3', rootUrl: fake.rootUrl, auth})`) and the service-account key's token_uri at `fake.tokenUri`.
export { startFakeDrive } from './fake.ts';
export type {
  AuthorizedUserKey,
  DriveFault,
  DriveItem,
  FakeDrive,
  FakeDriveOptions,
  NewItem,
  RecordedDriveRequest,
  ServiceAccountKey,
} from './types.ts';
