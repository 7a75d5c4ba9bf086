// The one error type of store-file: a code a caller can branch on, and a message that says what went wrong and
// what to do. Messages never hold the Bot API download URL, and bot tokens in paths are masked.
import { redactText } from '../../../core/log.ts';

export type StoreFileErrorCode = 'missing' | 'too_big' | 'no_room' | 'http' | 'truncated' | 'aborted' | 'io';

export interface StoreFileErrorOptions {
  /** HTTP status, for code 'http' when the server answered. */
  status?: number;
  /** The system error code behind an 'io' error: ENOSPC, EACCES, EIO… */
  systemCode?: string;
}

export class StoreFileError extends Error {
  override readonly name = 'StoreFileError';
  readonly code: StoreFileErrorCode;
  readonly status: number | undefined;
  readonly systemCode: string | undefined;

  constructor(code: StoreFileErrorCode, message: string, options: StoreFileErrorOptions = {}) {
    super(redactText(message));
    this.code = code;
    this.status = options.status;
    this.systemCode = options.systemCode;
  }
}

/** The errno code of a system error (ENOENT, ENOSPC…), or undefined. */
export function systemCodeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** An 'io' StoreFileError for a failed system call, with a hint for the common causes. */
export function ioError(what: string, err: unknown): StoreFileError {
  const systemCode = systemCodeOf(err);
  const hint =
    systemCode === 'ENOSPC' || systemCode === 'EDQUOT'
      ? 'the disk is full: free space there (disk.critical_free keeps headroom for the next file)'
      : systemCode === 'EACCES' || systemCode === 'EPERM'
        ? 'permission denied: give the user Centinela runs as access to that folder'
        : systemCode === 'EROFS'
          ? 'the file system is read-only: check the mount'
          : 'check the disk and try again';
  const detail = systemCode ?? (err instanceof Error ? err.message : String(err));
  return new StoreFileError('io', `${what} failed (${detail}): ${hint}`, { systemCode });
}
