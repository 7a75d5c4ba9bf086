// How a failed Gemini call is handled: which failures wait, which move to the next model, which end the attempt.

/** A caption Gemini could not give; its message says why (no secret in it) and the template takes over. */
export class CaptionFailure extends Error {
  override name = 'CaptionFailure';
}

export type Failure =
  | { kind: 'rate'; delayMs: number | undefined; text: string } // 429: wait (RetryInfo says how long), same model
  | { kind: 'overload'; text: string } // 500, 503, 504: the next model
  | { kind: 'transient'; text: string } // no answer (network, timeout): wait, same model
  | { kind: 'fatal'; text: string }; // 400, 403, 404…: asking again will not help

interface RpcStatus {
  error?: { code?: number; status?: string; message?: string; details?: Array<Record<string, unknown>> };
}

/** "33s", "1.5s" (google.protobuf.Duration in JSON) in milliseconds. */
function durationMs(text: unknown): number | undefined {
  const m = typeof text === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(text) : null;
  return m ? Math.ceil(Number(m[1]) * 1000) : undefined;
}

/** The SDK's ApiError carries the HTTP status and, as its message, the JSON error body the API sent. */
export function classify(err: unknown): Failure {
  const status = (err as { status?: unknown } | null)?.status;
  const message = err instanceof Error ? err.message : String(err);
  if (!(err instanceof Error) || err.name !== 'ApiError' || typeof status !== 'number')
    return { kind: 'transient', text: `no answer from Gemini: ${message.slice(0, 200)}` };
  let body: RpcStatus = {};
  try {
    body = JSON.parse(message) as RpcStatus;
  } catch {
    // Not JSON (a proxy's page): the status says enough.
  }
  const text = `Gemini answered ${status} ${body.error?.status ?? ''}: ${(body.error?.message ?? message).slice(0, 200)}`;
  if (status === 429) {
    const retry = body.error?.details?.find((d) => String(d['@type']).endsWith('google.rpc.RetryInfo'));
    return { kind: 'rate', delayMs: durationMs(retry?.['retryDelay']), text };
  }
  if (status === 500 || status === 503 || status === 504) return { kind: 'overload', text };
  return { kind: 'fatal', text };
}

/** Never let the key reach a message, whatever an error holds. */
export function redact(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join('[GEMINI_API_KEY]') : text;
}
