// Drive v3 errors in the JSON shape Google answers them: {error: {code, message, errors: [{domain, reason, message}]}}.

export class DriveApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly domain: string;
  readonly location?: { location: string; locationType: string };
  constructor(
    code: number,
    reason: string,
    message: string,
    domain = 'global',
    location?: { location: string; locationType: string },
  ) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.domain = domain;
    this.location = location;
  }

  body(): unknown {
    return {
      error: {
        code: this.code,
        message: this.message,
        errors: [{ message: this.message, domain: this.domain, reason: this.reason, ...this.location }],
      },
    };
  }
}

export const notFound = (id: string): DriveApiError =>
  new DriveApiError(404, 'notFound', `File not found: ${id}.`, 'global', {
    location: 'fileId',
    locationType: 'parameter',
  });

export const invalid = (parameter: string, message = 'Invalid Value'): DriveApiError =>
  new DriveApiError(400, 'invalid', message, 'global', { location: parameter, locationType: 'parameter' });

export const unauthenticated = (): DriveApiError =>
  new DriveApiError(
    401,
    'authError',
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
    'global',
    { location: 'Authorization', locationType: 'header' },
  );

export function fault(status: number, reason?: string): DriveApiError {
  if (status === 429)
    return new DriveApiError(429, reason ?? 'rateLimitExceeded', 'Rate Limit Exceeded', 'usageLimits');
  if (status === 403) {
    const why = reason ?? 'userRateLimitExceeded';
    const message = why === 'userRateLimitExceeded' ? 'User Rate Limit Exceeded' : 'The user does not have permission';
    return new DriveApiError(403, why, message, why.endsWith('RateLimitExceeded') ? 'usageLimits' : 'global');
  }
  if (status === 404) return notFound('(injected)');
  return new DriveApiError(status, 'backendError', 'Backend Error');
}
