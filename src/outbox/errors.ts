// What a failed sendMessage means for the message, and a description of it that is safe to log and store.
import { GrammyError, HttpError } from 'grammy';
import { redactText } from '../core/log.ts';

export type SendFailure =
  /** 429: Telegram names the wait. */
  | { kind: 'flood'; retryAfterMs: number; error: string }
  /** 400 can't parse entities: the HTML is broken; send it as plain text. */
  | { kind: 'parse'; error: string }
  /** The group became a supergroup with another id. */
  | { kind: 'migrated'; chatId: number; error: string }
  /** Network, timeout, 5xx, a bad token or API root: may get better, retry with backoff. */
  | { kind: 'transient'; error: string }
  /** 400, 403 (blocked, chat not found, kicked): will not get better. */
  | { kind: 'permanent'; error: string };

const MAX_ERROR_LENGTH = 1000;
/** A 429 without retry_after (never seen, but the field is optional) waits this long. */
const DEFAULT_RETRY_AFTER_S = 5;

export function classifySendError(err: unknown, secrets: readonly string[]): SendFailure {
  const error = describeError(err, secrets);
  if (err instanceof GrammyError) {
    const code = err.error_code;
    if (code === 429)
      return { kind: 'flood', retryAfterMs: (err.parameters.retry_after ?? DEFAULT_RETRY_AFTER_S) * 1000, error };
    const migrated = err.parameters.migrate_to_chat_id;
    if (typeof migrated === 'number') return { kind: 'migrated', chatId: migrated, error };
    if (code === 400 && /can't parse entities/i.test(err.description)) return { kind: 'parse', error };
    // 401/404: the token or the API root is wrong; messages wait (durable) until a person fixes the setting.
    if (code >= 500 || code === 401 || code === 404 || code === 409) return { kind: 'transient', error };
    return { kind: 'permanent', error };
  }
  return { kind: 'transient', error };
}

/** One line for logs and last_error: no bot token (it is in every Bot API URL), no known secret, bounded length. */
export function describeError(err: unknown, secrets: readonly string[]): string {
  let text: string;
  if (err instanceof GrammyError) text = `telegram ${err.error_code}: ${err.description}`;
  else if (err instanceof HttpError) text = `${err.message}${reasonOf(err.error)}`;
  else if (err instanceof Error)
    text = `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}${reasonOf(err.cause)}`;
  else text = String(err);
  text = redactText(text, secrets);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}

/** The useful part of an underlying network error: its code (ECONNREFUSED) or name (AbortError), never its URL. */
function reasonOf(inner: unknown): string {
  if (!(inner instanceof Error)) return '';
  const e = inner as Error & { code?: unknown; type?: unknown; cause?: unknown };
  if (typeof e.code === 'string') return ` (${e.code})`;
  if (e.name === 'AbortError' || e.type === 'aborted') return ' (aborted: timeout or shutdown)';
  if (e.name === 'TimeoutError') return ' (timeout)';
  const deeper = reasonOf(e.cause);
  if (deeper) return deeper;
  return e.name && e.name !== 'Error' && e.name !== 'FetchError' ? ` (${e.name})` : '';
}
