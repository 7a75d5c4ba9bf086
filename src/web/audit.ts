// Who did what from the web page, and when: one row per change, written after the change succeeded.
import type { Kysely, Selectable } from 'kysely';
import { withTables } from '../core/store/index.ts';
import type { Database, Store } from '../core/store/index.ts';
import type { AuditTable, WebTables } from './migration.ts';

export type AuditRow = Selectable<AuditTable>;

export class Audit {
  readonly #db: Kysely<Database & WebTables>;

  constructor(store: Store) {
    this.#db = withTables<WebTables>(store);
  }

  async record(who: string, action: string, target: string, detail: string | null = null): Promise<void> {
    await this.#db.insertInto('audit').values({ at: Date.now(), who, action, target, detail }).execute();
  }

  /** Newest first. */
  async page(limit: number, offset: number): Promise<AuditRow[]> {
    return this.#db.selectFrom('audit').selectAll().orderBy('id', 'desc').limit(limit).offset(offset).execute();
  }
}
