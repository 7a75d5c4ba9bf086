// The web page's tables: one-time sign-in links and sessions (both kept as sha256 of the token, never the token),
// and the audit log of every change made from the page.
import type { Generated } from 'kysely';
import { addAutoId } from '../core/store/index.ts';
import type { StoreMigration } from '../core/store/index.ts';

export interface WebLinksTable {
  token_hash: string;
  user_id: number;
  expires_at: number;
  used_at: number | null;
}

export interface WebSessionsTable {
  token_hash: string;
  user_id: number;
  /** Sent back in every changing form and fetch; not a secret on its own (the cookie is). */
  csrf: string;
  created_at: number;
  expires_at: number;
}

export interface AuditTable {
  id: Generated<number>;
  at: number;
  /** "Ana (telegram 1001)". */
  who: string;
  action: string;
  target: string;
  detail: string | null;
}

export interface WebTables {
  web_links: WebLinksTable;
  web_sessions: WebSessionsTable;
  audit: AuditTable;
}

export const webMigration: StoreMigration = {
  name: '0800_web',
  async up(db, kind) {
    await db.schema
      .createTable('web_links')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .execute();
    await db.schema
      .createTable('web_sessions')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'bigint', (c) => c.notNull())
      .addColumn('csrf', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await addAutoId(db.schema.createTable('audit'), kind)
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('who', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('detail', 'text')
      .execute();
  },
};
