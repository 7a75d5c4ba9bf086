// Types of the fake Drive: what it keeps per item, its options, faults and what it records.

/** One file or folder as the fake keeps it (the API's File resource is made from it). */
export interface DriveItem {
  id: string;
  name: string;
  mimeType: string;
  parents: string[];
  createdTime: string;
  modifiedTime: string;
  /** Bytes of a binary file; Google-native documents have none (they are exported). */
  content: Buffer | null;
  /** Trashed by itself (a folder's trash also trashes what is inside it). */
  explicitlyTrashed: boolean;
  /** False once unshared from the service account: it and what is inside it are no longer visible. */
  shared: boolean;
  /** The shared drive it lives in, if any. */
  driveId: string | null;
  version: number;
}

export interface NewItem {
  name: string;
  /** The folder it goes in; none: at the top (a folder shared with the service account). */
  parent?: string;
  id?: string;
  content?: Buffer | string;
  mimeType?: string;
  /** RFC 3339; default now. */
  modifiedTime?: string;
  driveId?: string;
}

/**
 * A fault for the next matching requests: `status` 429 (reason rateLimitExceeded), 403 (userRateLimitExceeded, or
 * `reason`), 404 (notFound), 500/503 (backendError). `path` narrows it (a regex on the path and query); `times`
 * counts (default 1).
 */
export interface DriveFault {
  status: 403 | 404 | 429 | 500 | 502 | 503;
  reason?: string;
  path?: RegExp;
  times?: number;
}

export interface RecordedDriveRequest {
  at: number;
  method: string;
  /** Path without the query: /drive/v3/files, /drive/v3/changes, /token, … */
  path: string;
  query: Record<string, string>;
  status: number;
}

export interface FakeDriveOptions {
  /** Delay before answering each list page (files.list and changes.list), ms. */
  pageLatencyMs?: number;
}

export interface ServiceAccountKey {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  token_uri: string;
}

export interface AuthorizedUserKey {
  type: 'authorized_user';
  client_id: string;
  client_secret: string;
  refresh_token: string;
  token_uri: string;
}

export interface FakeDrive {
  /** For `drive({version: 'v3', rootUrl})`: ends with a slash. */
  readonly rootUrl: string;
  readonly tokenUri: string;
  /** A service-account key whose token_uri is this fake (its private key is the fake's own). */
  readonly serviceAccountKey: ServiceAccountKey;
  /** An OAuth client with a refresh token, as `gcloud auth application-default login` writes it. */
  readonly authorizedUser: AuthorizedUserKey;
  readonly requests: RecordedDriveRequest[];
  /** Drive API calls (not the token endpoint) so far. */
  apiCalls(): number;
  addFolder(item: NewItem): string;
  addFile(item: NewItem): string;
  /** A Google Doc: no md5Checksum, no size; files.export gives a PDF. */
  addGoogleDoc(item: NewItem): string;
  /** New content under the same id (new md5, modifiedTime now unless given). */
  modify(id: string, content: Buffer | string, modifiedTime?: string): void;
  move(id: string, toParent: string): void;
  trash(id: string): void;
  restore(id: string): void;
  unshare(id: string): void;
  share(id: string): void;
  setModifiedTime(id: string, modifiedTime: string): void;
  item(id: string): DriveItem | undefined;
  fail(fault: DriveFault): void;
  clearFaults(): void;
  /** The next download of this file (any file when none is given) stops half way through its body. */
  cutNextDownload(id?: string): void;
  setPageLatency(ms: number): void;
  /** Token requests are refused from now on (a key that was deleted in the console). */
  revokeKeys(): void;
  close(): Promise<void>;
}
