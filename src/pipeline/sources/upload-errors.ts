// What a failed multipart upload tells the client. The parser's limits and a malformed body are the client's
// doing (4xx, saying what was wrong and what to do); a disk or store failure is ours (5xx, the log has it).

/** Files one request may carry, and form fields besides them (README: HTTP batch upload). */
export const MAX_FILES_PER_REQUEST = 2000;
export const MAX_FIELDS_PER_REQUEST = 20;

export class UploadRefused extends Error {
  readonly statusCode: number;
  constructor(statusCode: number, message: string) {
    super(message);
    this.name = 'UploadRefused';
    this.statusCode = statusCode;
  }
}

/** The client's fault as an UploadRefused; anything else (a disk error, the store) as it is. */
export function uploadError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const { code, statusCode, syscall } = err as Error & { code?: string; statusCode?: number; syscall?: string };
  if (err instanceof UploadRefused) return err;
  if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT') {
    return new UploadRefused(
      413,
      `more than ${MAX_FILES_PER_REQUEST} files in one request: send them in several requests of at most ${MAX_FILES_PER_REQUEST} files`,
    );
  }
  if (code === 'FST_FIELDS_LIMIT')
    return new UploadRefused(
      413,
      `more than ${MAX_FIELDS_PER_REQUEST} form fields in one request: send only the files and the fields company and user`,
    );
  if (code === 'FST_MP_PREMATURE_CLOSE')
    return new UploadRefused(400, 'the upload was cut off before its end: nothing was recorded; send it again');
  if (syscall !== undefined || (statusCode !== undefined && statusCode >= 500)) return err; // our disk or our code
  if (statusCode !== undefined && statusCode >= 400) return new UploadRefused(statusCode, err.message);
  // busboy's words for a body it cannot parse: "Malformed part header", "Unexpected end of form", "Boundary not found".
  return new UploadRefused(
    400,
    `the multipart body is malformed (${err.message}): send the files as multipart/form-data (as curl -F or a browser form does)`,
  );
}
