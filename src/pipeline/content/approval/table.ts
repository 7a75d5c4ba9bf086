// The admins' pending caption edits: an admin pressed Edit under a post's approval message, and their next text
// message in that chat becomes the caption. Kept in the store so that a restart between the press and the text
// loses nothing. One pending edit per admin and chat (a second Edit press replaces the first).
import type { Selectable } from 'kysely';
import type { StoreMigration } from '../../../core/store/index.ts';

export interface CaptionEditsTable {
  chat_id: number;
  user_id: number;
  post_id: number;
  /** The short hash of the caption the Edit button was pressed on: the edit replaces that caption, no later one. */
  caption_hash: string;
  at: number;
}

export interface CaptionEditTables {
  caption_edits: CaptionEditsTable;
}

export type CaptionEdit = Selectable<CaptionEditsTable>;

export const captionEditsMigration: StoreMigration = {
  name: '0610_content_caption_edits',
  async up(db) {
    await db.schema
      .createTable('caption_edits')
      .addColumn('chat_id', 'bigint', (c) => c.notNull())
      .addColumn('user_id', 'bigint', (c) => c.notNull())
      .addColumn('post_id', 'bigint', (c) => c.notNull())
      .addColumn('caption_hash', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('caption_edits_pk', ['chat_id', 'user_id'])
      .execute();
  },
};
