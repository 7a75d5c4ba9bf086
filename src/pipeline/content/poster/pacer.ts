// Telegram lets a bot post about 20 messages a minute in one group or channel. A burst of due posts is spread out
// instead of being refused: each send reserves the next free moment of its chat, and waits for it.
export const PER_CHAT_INTERVAL_MS = 3000;

export class ChatPacer {
  readonly #next = new Map<string, number>();
  /** When each chat's last call went out. */
  readonly #lastCall = new Map<string, number>();
  readonly #intervalMs: number;
  readonly #now: () => number;

  constructor(intervalMs = PER_CHAT_INTERVAL_MS, now: () => number = Date.now) {
    this.#intervalMs = intervalMs;
    this.#now = now;
  }

  /**
   * Reserves the chat's next moment if it comes within `maxWaitMs`, and says how long to wait for it (0: now).
   * A later moment is not reserved: null, and `freeIn` says when to come back (a job should not hold its lease
   * through a long burst).
   */
  reserve(chat: string, maxWaitMs = Number.POSITIVE_INFINITY): number | null {
    const now = this.#now();
    const at = Math.max(now, this.#next.get(chat) ?? 0);
    if (at - now > maxWaitMs) return null;
    this.#next.set(chat, at + this.#intervalMs);
    return at - now;
  }

  /**
   * A call to the chat is about to go out: 0 records it as going out now; more says how long to wait before asking
   * again. A reserved moment is kept to the ms, but the store write between it and its call is not (it took 400 ms
   * on a loaded machine, then 10 ms for the next send): the calls themselves are kept an interval apart here.
   */
  callIn(chat: string): number {
    const now = this.#now();
    const wait = (this.#lastCall.get(chat) ?? Number.NEGATIVE_INFINITY) + this.#intervalMs - now;
    if (wait > 0) return wait;
    this.#lastCall.set(chat, now);
    // A call later than its moment moves the moments not yet reserved along with it.
    this.#next.set(chat, Math.max(this.#next.get(chat) ?? 0, now + this.#intervalMs));
    return 0;
  }

  /** How long until the chat's next free moment. */
  freeIn(chat: string): number {
    return Math.max(0, (this.#next.get(chat) ?? 0) - this.#now());
  }

  /** Telegram asked the chat's sends to wait (a 429 with retry_after): nothing goes there before then. */
  holdUntil(chat: string, at: number): void {
    this.#next.set(chat, Math.max(this.#next.get(chat) ?? 0, at));
  }
}
