// A post is one video on its way to a channel: its caption, its planned time and where it stands. Every change of
// state is also written to post_history, so that "why was it not published" has an answer. The content pipeline's
// tables: nothing else writes them (others ask PostRecords).
import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import { addAutoId } from '../../../core/store/index.ts';
import type { StoreMigration } from '../../../core/store/index.ts';

export const POST_STATES = [
  'captioning',
  'awaiting_approval',
  'scheduled',
  'sending',
  'sent',
  'unknown',
  'failed',
  'missed',
  'cancelled',
] as const;
export type PostState = (typeof POST_STATES)[number];

/** States a post occupies its slot in: the planner counts them; a failed, missed or cancelled post frees it. */
export const SLOT_STATES: readonly PostState[] = ['awaiting_approval', 'scheduled', 'sending', 'sent', 'unknown'];

export interface PostsTable {
  id: number;
  /** The intake's files row of the video. */
  file_id: number;
  /** The creator's folder (content.creators[].folder). */
  creator: string;
  caption: string | null;
  /** 1 when the caption is the creator's template (no model answer), 0 when written by the model or an admin. */
  caption_from_template: number;
  /** What Gemini charged for the caption (USD, decimal string "0.012345"); null before migration 0310 or none. */
  caption_cost: string | null;
  state: PostState;
  /** When it goes out, UTC epoch ms; null until planned. */
  planned_at: number | null;
  /** The chat it is published in (-100… or @name). */
  target: string;
  /** The channel's message id once sent. */
  message_id: number | null;
  /** Publish calls made (each one may have published). */
  attempts: number;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface PostHistoryTable {
  id: number;
  post_id: number;
  from_state: PostState | null;
  to_state: PostState;
  detail: string | null;
  at: number;
}

export interface PostTables {
  posts: PostsTable;
  post_history: PostHistoryTable;
}

export type Post = Selectable<PostsTable>;
export type PostHistoryRow = Selectable<PostHistoryTable>;

export const postsMigration: StoreMigration = {
  name: '0300_content_posts',
  async up(db, kind) {
    await addAutoId(db.schema.createTable('posts'), kind)
      .addColumn('file_id', 'bigint', (c) => c.notNull())
      .addColumn('creator', 'text', (c) => c.notNull())
      .addColumn('caption', 'text')
      .addColumn('caption_from_template', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('planned_at', 'bigint')
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('message_id', 'bigint')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    // One post per stored video: the video job runs at least once, and its second run finds the first's post.
    await sql`create unique index posts_file on posts (file_id)`.execute(db);
    await db.schema.createIndex('posts_creator_planned').on('posts').columns(['creator', 'planned_at']).execute();
    await db.schema.createIndex('posts_state').on('posts').columns(['state', 'planned_at']).execute();

    await addAutoId(db.schema.createTable('post_history'), kind)
      .addColumn('post_id', 'bigint', (c) => c.notNull())
      .addColumn('from_state', 'text')
      .addColumn('to_state', 'text', (c) => c.notNull())
      .addColumn('detail', 'text')
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('post_history_post').on('post_history').columns(['post_id', 'id']).execute();
  },
};

/** The caption's cost on each post: the day's sum is what the caption budget is checked against. */
export const captionCostMigration: StoreMigration = {
  name: '0310_content_caption_cost',
  async up(db) {
    await db.schema.alterTable('posts').addColumn('caption_cost', 'text').execute();
  },
};
