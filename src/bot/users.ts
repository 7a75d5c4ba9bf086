// Who may talk to the bot (telegram.users), and the one alert per unknown sender per day.
import type { Config } from '../core/config.ts';
import { withTables } from '../core/store/index.ts';
import type { Store } from '../core/store/index.ts';
import type { Lang } from './i18n.ts';
import type { OutboxTables } from '../outbox/index.ts';

export type Role = 'admin' | 'staff' | 'model';
export type BotUser = Config['telegram']['users'][number];

export class Users {
  readonly #byId: Map<number, BotUser>;

  constructor(users: readonly BotUser[]) {
    this.#byId = new Map(users.map((u) => [u.id, u]));
  }

  get(id: number | undefined): BotUser | undefined {
    return id === undefined ? undefined : this.#byId.get(id);
  }

  all(): BotUser[] {
    return [...this.#byId.values()];
  }

  lang(user: BotUser): Lang {
    return user.language;
  }
}

/** True the first time this sender is refused today (so the admins hear of them once a day). */
export async function firstRefusalToday(store: Store, userId: number, name: string): Promise<boolean> {
  const day = new Date().toISOString().slice(0, 10);
  const db = withTables<OutboxTables>(store);
  const inserted = await db
    .insertInto('refused_senders')
    .values({ user_id: userId, day, name, count: 1 })
    .onConflict((oc) =>
      oc.columns(['user_id', 'day']).doUpdateSet((eb) => ({ count: eb('refused_senders.count', '+', 1) })),
    )
    .returning('count')
    .executeTakeFirst();
  return inserted?.count === 1;
}
