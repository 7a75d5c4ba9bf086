// One getMe against the Bot API server: the check of the local server and the repair that waits for it share it.
// The token is part of the URL, so an error message is built without the URL.

export type BotApiAnswer = { ok: true } | { ok: false; error: string };

export async function pingBotApi(apiRoot: string, token: string, timeoutMs: number): Promise<BotApiAnswer> {
  const url = `${apiRoot}/bot${token}/getMe`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (res.ok) return { ok: true };
    // 401/404 mean the server answers but rejects the token: a configuration problem, not an outage.
    return { ok: false, error: `the Bot API server at ${apiRoot} answered HTTP ${res.status} to getMe` };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    return { ok: false, error: `the Bot API server at ${apiRoot} is unreachable (${cause})` };
  }
}
