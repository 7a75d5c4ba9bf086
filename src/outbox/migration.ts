// The durable admin outbox, and the unknown senders the admins were already told about today.
import { addAutoId } from '../core/store/index.ts';
import type { StoreMigration } from '../core/store/index.ts';

export const outboxMigration: StoreMigration = {
  name: '0110_outbox',
  async up(db, kind) {
    await addAutoId(db.schema.createTable('outbox'), kind)
      .addColumn('chat_id', 'bigint', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull()) // 'html' | 'plain'
      .addColumn('reply_markup', 'text')
      .addColumn('dedup_key', 'text', (c) => c.unique())
      .addColumn('state', 'text', (c) => c.notNull()) // pending | sending | sent | fallback | failed
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_at', 'bigint', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('message_id', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('sent_at', 'bigint')
      .addColumn('lease_until', 'bigint') // state sending: back to pending after this (its sender died)
      .addColumn('claimed_by', 'text') // state sending: the claim that may finish it
      .addColumn('tried_at', 'bigint') // last call to Telegram: pacing per chat
      .addColumn('fallback_attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('fallback_next_at', 'bigint')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('outbox_pending').on('outbox').columns(['state', 'chat_id', 'id']).execute();
    await db.schema.createIndex('outbox_chat_tried').on('outbox').columns(['chat_id', 'tried_at']).execute();

    await db.schema
      .createTable('refused_senders')
      .addColumn('user_id', 'bigint', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('name', 'text')
      .addColumn('count', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('refused_senders_pk', ['user_id', 'day'])
      .execute();
  },
};
