// What can go wrong in a Drive sync: a critical problem stops the run (exit 1, one line saying what to do); a call
// that failed for one file is recorded against that file with Drive's reason.

/** The run cannot go on: bad credentials, a folder that is not there or not shared. Its message is the whole line. */
export class DriveCritical extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DriveCritical';
  }
}

/** A Drive API call that failed for good: HTTP status and Drive's reason (notFound, insufficientFilePermissions, …). */
export class DriveCallError extends Error {
  readonly status: number;
  readonly reason: string;
  constructor(status: number, reason: string, message: string) {
    super(message);
    this.name = 'DriveCallError';
    this.status = status;
    this.reason = reason;
  }
}

/** Another run holds the lock. */
export class SyncBusy extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SyncBusy';
  }
}

/** Worth another try: 429, 5xx, a rate-limit 403, a dropped connection or a cut download. */
export function retryable(status: number | null, reason: string): boolean {
  if (status === null) return true;
  if (status === 429 || status >= 500) return true;
  return status === 403 && (reason === 'userRateLimitExceeded' || reason === 'rateLimitExceeded');
}
