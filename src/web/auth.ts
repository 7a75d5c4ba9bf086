// Sign-in without passwords: /web in Telegram makes a one-time link (10 minutes); using it opens a session whose
// cookie lasts web.session_days. Only sha256 of a link's or a session's token is stored, so the store's contents
// do not sign anyone in. The person's role is read from telegram.users on every request: a user taken off the
// list is signed out at once.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Config } from '../core/config.ts';
import { withTables } from '../core/store/index.ts';
import type { Database, Store } from '../core/store/index.ts';
import type { WebTables } from './migration.ts';

export const LINK_VALID_MS = 10 * 60_000;

export type WebUser = Config['telegram']['users'][number];

export interface SignedIn {
  user: WebUser;
  csrf: string;
}

export type LinkRefusal = 'unknown' | 'used' | 'expired';

const hash = (token: string): string => createHash('sha256').update(token).digest('hex');
const newToken = (): string => randomBytes(32).toString('base64url');

/** Constant-time comparison of two strings (a CSRF token). */
export function sameToken(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class WebAuth {
  readonly #db: Kysely<Database & WebTables>;
  readonly #users: ReadonlyMap<number, WebUser>;
  readonly #sessionMs: number;
  readonly #now: () => number;

  constructor(store: Store, users: readonly WebUser[], sessionDays: number, now: () => number = Date.now) {
    this.#db = withTables<WebTables>(store);
    this.#users = new Map(users.map((u) => [u.id, u]));
    this.#sessionMs = sessionDays * 86_400_000;
    this.#now = now;
  }

  user(id: number): WebUser | undefined {
    return this.#users.get(id);
  }

  /** A one-time sign-in token for a listed user; old links and sessions are cleared on the way. */
  async createLink(userId: number): Promise<string> {
    if (!this.#users.has(userId)) throw new Error(`user ${userId} is not in telegram.users`);
    const now = this.#now();
    await this.#db
      .deleteFrom('web_links')
      .where('expires_at', '<', now - 86_400_000)
      .execute();
    await this.#db.deleteFrom('web_sessions').where('expires_at', '<', now).execute();
    const token = newToken();
    await this.#db
      .insertInto('web_links')
      .values({ token_hash: hash(token), user_id: userId, expires_at: now + LINK_VALID_MS, used_at: null })
      .execute();
    return token;
  }

  /** Uses a link once: a new session's cookie token, or why the link cannot sign in. */
  async useLink(token: string): Promise<{ session: string; user: WebUser } | { refused: LinkRefusal }> {
    const now = this.#now();
    const tokenHash = hash(token);
    const taken = await this.#db
      .updateTable('web_links')
      .set({ used_at: now })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('user_id')
      .executeTakeFirst();
    if (!taken) {
      const row = await this.#db
        .selectFrom('web_links')
        .select(['used_at'])
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return { refused: !row ? 'unknown' : row.used_at !== null ? 'used' : 'expired' };
    }
    const user = this.#users.get(Number(taken.user_id));
    if (!user) return { refused: 'unknown' };
    const session = newToken();
    await this.#db
      .insertInto('web_sessions')
      .values({
        token_hash: hash(session),
        user_id: user.id,
        csrf: newToken(),
        created_at: now,
        expires_at: now + this.#sessionMs,
      })
      .execute();
    return { session, user };
  }

  /** The person a session cookie belongs to; null when it is unknown, expired or its user is no longer listed. */
  async session(token: string | undefined): Promise<SignedIn | null> {
    if (!token) return null;
    const row = await this.#db
      .selectFrom('web_sessions')
      .select(['user_id', 'csrf', 'expires_at'])
      .where('token_hash', '=', hash(token))
      .executeTakeFirst();
    if (!row || Number(row.expires_at) <= this.#now()) return null;
    const user = this.#users.get(Number(row.user_id));
    return user ? { user, csrf: row.csrf } : null;
  }

  async end(token: string): Promise<void> {
    await this.#db.deleteFrom('web_sessions').where('token_hash', '=', hash(token)).execute();
  }

  get sessionSeconds(): number {
    return Math.round(this.#sessionMs / 1000);
  }
}
