// The fallback webhook: what Telegram could not take in time goes there as JSON (alerts.fallback_webhook).

export interface FallbackBody {
  /** The outbox id: a receiver can drop a repeat (delivery is at least once). */
  id: number;
  chat_id: number;
  /** Plain text (HTML tags dropped): a webhook does not read Telegram's HTML. */
  text: string;
  /** RFC 3339 UTC: when the message was enqueued. */
  created_at: string;
  /** Why Telegram did not take it: its last error, or that it is not configured. */
  reason: string;
}

/** POSTs one message; throws when the webhook does not answer 2xx in time. The error never names the URL. */
export async function postFallback(url: string, body: FallbackBody, signal: AbortSignal): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'centinela-outbox' },
      body: JSON.stringify(body),
      signal,
    });
  } catch (err) {
    // fetch's own errors say "fetch failed" with the cause's code; nothing in them is the URL, but be sure.
    const cause = (err as { cause?: { code?: unknown } }).cause;
    const code = typeof cause?.code === 'string' ? ` (${cause.code})` : '';
    const name = (err as Error).name;
    throw new Error(
      name === 'TimeoutError' || name === 'AbortError'
        ? 'fallback webhook did not answer in time'
        : `fallback webhook unreachable${code}`,
    );
  }
  await res.body?.cancel().catch(() => {});
  if (!res.ok) throw new Error(`fallback webhook answered HTTP ${res.status}`);
}
