// Files received from any source, and the batches (albums, uploads) they arrive in.
import { sql } from 'kysely';
import { addAutoId } from '../../core/store/index.ts';
import type { StoreMigration } from '../../core/store/index.ts';

export const intakeMigration: StoreMigration = {
  name: '0100_intake',
  async up(db, kind) {
    await db.schema
      .createTable('batches')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('chat_id', 'bigint')
      .addColumn('sender_id', 'bigint')
      .addColumn('language', 'text', (c) => c.notNull().defaultTo('es'))
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('media_group_id', 'text')
      .addColumn('tags', 'text')
      .addColumn('receipt_message_id', 'bigint')
      .addColumn('progress_message_id', 'bigint')
      .addColumn('progress_done', 'integer')
      .addColumn('closes_at', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('batches_open').on('batches').columns(['state', 'chat_id', 'sender_id']).execute();

    await addAutoId(db.schema.createTable('files'), kind)
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('batch_id', 'text', (c) => c.references('batches.id'))
      .addColumn('sender_id', 'bigint')
      .addColumn('sender_name', 'text')
      .addColumn('chat_id', 'bigint')
      .addColumn('message_id', 'bigint')
      .addColumn('update_id', 'bigint')
      .addColumn('media_group_id', 'text')
      .addColumn('file_id', 'text')
      .addColumn('file_unique_id', 'text')
      .addColumn('file_name', 'text')
      .addColumn('mime_type', 'text')
      .addColumn('size', 'bigint')
      .addColumn('folder', 'text')
      .addColumn('path', 'text')
      .addColumn('sha256', 'text')
      .addColumn('duplicate_of', 'bigint')
      .addColumn('error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    // A re-delivered update (after a crash) must not record its file twice.
    await sql`create unique index files_update on files (update_id) where update_id is not null`.execute(db);
    await sql`create unique index files_message on files (file_unique_id, chat_id, message_id) where file_unique_id is not null`.execute(
      db,
    );
    await db.schema.createIndex('files_sha').on('files').columns(['sha256', 'sender_id']).execute();
    await db.schema.createIndex('files_batch').on('files').column('batch_id').execute();
  },
};
