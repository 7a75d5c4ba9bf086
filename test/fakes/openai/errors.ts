// OpenAI's error bodies: `{ error: { message, type, param, code } }`.

export class OpenAIError extends Error {
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    message: string,
    type: string,
    code: string | null = null,
    param: string | null = null,
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = status;
    this.type = type;
    this.code = code;
    this.param = param;
    this.headers = headers;
  }

  body(): { error: { message: string; type: string; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export function invalidRequest(message: string, param: string | null = null, code: string | null = null): OpenAIError {
  return new OpenAIError(400, message, 'invalid_request_error', code, param);
}

export function invalidApiKey(key: string): OpenAIError {
  const shown = key.length > 8 ? `${key.slice(0, 3)}*****${key.slice(-4)}` : key;
  return new OpenAIError(
    401,
    key
      ? `Incorrect API key provided: ${shown}. You can find your API key at https://platform.openai.com/account/api-keys.`
      : "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    'invalid_request_error',
    key ? 'invalid_api_key' : null,
  );
}

export function insufficientQuota(): OpenAIError {
  return new OpenAIError(
    429,
    'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
    'insufficient_quota',
    'insufficient_quota',
  );
}

export function serverError(status: 500 | 502 | 503 | 529): OpenAIError {
  switch (status) {
    case 500:
      return new OpenAIError(
        500,
        'The server had an error while processing your request. Sorry about that!',
        'server_error',
      );
    case 502:
      return new OpenAIError(502, 'Bad gateway.', 'server_error');
    case 503:
      return new OpenAIError(503, 'The engine is currently overloaded, please try again later.', 'server_error');
    case 529:
      return new OpenAIError(529, 'The server is overloaded. Please try again later.', 'server_error', 'overloaded');
  }
}

export function notFound(method: string, path: string): OpenAIError {
  return new OpenAIError(404, `Invalid URL (${method} ${path})`, 'invalid_request_error');
}
