// Bot API errors: thrown by method handlers, turned into `{ ok: false, error_code, description, parameters? }`.

export interface ResponseParameters {
  retry_after?: number;
  migrate_to_chat_id?: number;
}

export class ApiError extends Error {
  readonly code: number;
  readonly description: string;
  readonly parameters: ResponseParameters | undefined;

  constructor(code: number, description: string, parameters?: ResponseParameters) {
    super(description);
    this.code = code;
    this.description = description;
    this.parameters = parameters;
  }

  body(): Record<string, unknown> {
    const body: Record<string, unknown> = { ok: false, error_code: this.code, description: this.description };
    if (this.parameters) body.parameters = this.parameters;
    return body;
  }
}

export function badRequest(what: string): ApiError {
  return new ApiError(400, `Bad Request: ${what}`);
}

export const UNAUTHORIZED = (): ApiError => new ApiError(401, 'Unauthorized');
export const METHOD_NOT_FOUND = (): ApiError => new ApiError(404, 'Not Found: method not found');
export const TOO_MANY = (retryAfter: number): ApiError =>
  new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
export const CONFLICT_OTHER_POLL = (): ApiError =>
  new ApiError(
    409,
    'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
  );
export const CONFLICT_WEBHOOK = (): ApiError =>
  new ApiError(
    409,
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
  );
export const TOO_LARGE = (): ApiError => new ApiError(413, 'Request Entity Too Large');

/** The description Telegram gives a status when the test does not choose one. */
export function defaultDescription(status: number): string {
  switch (status) {
    case 400:
      return 'Bad Request';
    case 403:
      return 'Forbidden: bot was blocked by the user';
    case 409:
      return 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running';
    case 500:
      return 'Internal Server Error';
    case 502:
      return 'Bad Gateway';
    default:
      return 'Error';
  }
}
