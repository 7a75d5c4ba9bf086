// What a job handler may throw to steer its retry.

/** Try again after this many seconds (a 429's retry_after); does not use up an attempt. */
export class RetryAfter extends Error {
  readonly seconds: number;
  constructor(seconds: number, message = `retry after ${seconds} s`) {
    super(message);
    this.name = 'RetryAfter';
    this.seconds = Math.max(0, seconds);
  }
}

/** Retrying cannot help (bad input): the job goes straight to failed, kept for `jobs retry` after a fix. */
export class PermanentError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

/**
 * This process cannot do the job but another may (the job's file is not on this machine): the job goes back at
 * once without using up an attempt, and this process leaves it to the others for a while (Worker's NOT_HERE_MS).
 */
export class NotHere extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NotHere';
  }
}

/** A claimed job's payload does not match its queue's schema: no attempt can help, the job goes straight to dead. */
export class PayloadMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadMismatch';
  }
}
