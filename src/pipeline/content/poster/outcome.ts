// What a failed publish call says about the post. Only answers that prove the video was not posted may be retried:
// Telegram refused the request (4xx: a 429 with its retry_after, a bad request, no right to post) or the connection
// was refused before anything was sent. Anything else — a timeout, a dropped connection, a 5xx or a proxy's error
// page — may have come after Telegram posted it: the outcome is unknown, and a person decides.
export type PublishFailure =
  | { certain: true; retryAfterSeconds: number | null; error: string }
  | { certain: false; error: string };

interface TelegramAnswer {
  error_code?: unknown;
  description?: unknown;
  parameters?: { retry_after?: unknown };
}

const REFUSED = new Set(['ECONNREFUSED']);

function codeOf(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown; error?: unknown }).error ?? (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Reads grammY's GrammyError (Telegram answered) and HttpError (no answer) without loading grammY. */
export function publishFailure(err: unknown): PublishFailure {
  const name = err instanceof Error ? err.name : '';
  if (name === 'GrammyError') {
    const answer = err as TelegramAnswer;
    const code = typeof answer.error_code === 'number' ? answer.error_code : 0;
    const error = `Telegram ${code}: ${String(answer.description ?? '')}`;
    if (code >= 400 && code < 500) {
      const retry = answer.parameters?.retry_after;
      return { certain: true, retryAfterSeconds: code === 429 && typeof retry === 'number' ? retry : null, error };
    }
    return { certain: false, error };
  }
  const code = codeOf(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code && REFUSED.has(code))
    return { certain: true, retryAfterSeconds: null, error: `connection refused (${code})` };
  return { certain: false, error: message };
}
