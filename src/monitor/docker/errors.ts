// Telling "Docker is not there" (an incident of its own) from "Docker answered no" (a container problem), and
// saying what to do about each, without a stack trace or a log storm.

const UNREACHABLE: Record<string, string> = {
  ENOENT: 'there is no socket at that path: Docker is not running, or monitor.docker_socket points elsewhere',
  ECONNREFUSED: 'nothing listens on the socket: Docker is not running',
  EACCES: 'permission denied: add the service user to the docker group, or run the monitor with access to the socket',
  EPERM: 'permission denied: add the service user to the docker group, or run the monitor with access to the socket',
  ECONNRESET: 'the daemon dropped the connection',
  EPIPE: 'the daemon dropped the connection',
  TimeoutError: 'the daemon does not answer in time',
  AbortError: 'the daemon does not answer in time',
};

/** Why Docker cannot be reached, or null when the error is an answer from Docker (404, 500, …). */
export function unreachableReason(err: unknown): string | null {
  const e = err as { code?: string; name?: string; message?: string; statusCode?: number; cause?: { code?: string } };
  if (typeof e.statusCode === 'number') return null;
  const code = e.code ?? e.cause?.code ?? e.name ?? '';
  if (UNREACHABLE[code]) return `${UNREACHABLE[code]} (${code})`;
  if (/socket hang up/i.test(e.message ?? '')) return 'the daemon dropped the connection (socket hang up)';
  return null;
}

export function statusOf(err: unknown): number | undefined {
  const code = (err as { statusCode?: unknown }).statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** A short message for a log line: dockerode's errors carry the HTTP status and Docker's own message. */
export function describeError(err: unknown): string {
  return unreachableReason(err) ?? (err instanceof Error ? err.message.trim() : String(err));
}
