// Google API errors in the shape the Gemini API answers them (google.rpc.Status in JSON:
// {error: {code, message, status, details}}), which @google/genai turns into an ApiError whose message is that JSON.

export class GeminiError extends Error {
  readonly code: number;
  readonly status: string;
  readonly details: unknown[];
  constructor(code: number, status: string, message: string, details: unknown[] = []) {
    super(message);
    this.code = code;
    this.status = status;
    this.details = details;
  }

  body(): { error: { code: number; message: string; status: string; details?: unknown[] } } {
    const error = { code: this.code, message: this.message, status: this.status };
    return { error: this.details.length > 0 ? { ...error, details: this.details } : error };
  }
}

export function invalidApiKey(): GeminiError {
  return new GeminiError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
    {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'API_KEY_INVALID',
      domain: 'googleapis.com',
      metadata: { service: 'generativelanguage.googleapis.com' },
    },
  ]);
}

export function rateLimited(model: string, retryDelaySeconds: number): GeminiError {
  return new GeminiError(
    429,
    'RESOURCE_EXHAUSTED',
    `You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. Please retry in ${retryDelaySeconds}s.`,
    [
      {
        '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
        violations: [
          {
            quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
            quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
            quotaDimensions: { location: 'global', model },
            quotaValue: '10',
          },
        ],
      },
      {
        '@type': 'type.googleapis.com/google.rpc.Help',
        links: [
          {
            description: 'Learn more about Gemini API quotas',
            url: 'https://ai.google.dev/gemini-api/docs/rate-limits',
          },
        ],
      },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retryDelaySeconds}s` },
    ],
  );
}

export function overloaded(): GeminiError {
  return new GeminiError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.');
}

export function internal(): GeminiError {
  return new GeminiError(
    500,
    'INTERNAL',
    'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  );
}

export function invalidArgument(message: string): GeminiError {
  return new GeminiError(400, 'INVALID_ARGUMENT', message);
}

export function notFound(what: string): GeminiError {
  return new GeminiError(404, 'NOT_FOUND', what);
}

export function fileNotReady(name: string): GeminiError {
  return new GeminiError(
    400,
    'FAILED_PRECONDITION',
    `The File ${name.replace(/^files\//, '')} is not in an ACTIVE state and usage is not allowed.`,
  );
}

export function fileForbidden(name: string): GeminiError {
  return new GeminiError(
    403,
    'PERMISSION_DENIED',
    `You do not have permission to access the File ${name.replace(/^files\//, '')} or it may not exist.`,
  );
}
