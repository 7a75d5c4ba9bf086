// The content pipeline: posts (rows and states), the planner (slots per creator and zone), the poster.
export { POST_STATES, SLOT_STATES, postsMigration } from './posts/table.ts';
export type { Post, PostHistoryRow, PostState, PostTables } from './posts/table.ts';
export { PostRecords } from './posts/records.ts';
export type { NewPost, PostChanges } from './posts/records.ts';
export { nextSlot, takenSince } from './planner/planner.ts';
export type { SlotRules } from './planner/planner.ts';
export { localDate, offsetAt, zonedTime } from './planner/zone.ts';
export { PUBLISH_QUEUE } from './poster/queue.ts';
export { Poster } from './poster/poster.ts';
export type { PosterDeps, PublishApi } from './poster/poster.ts';
export { telegramPublishApi } from './poster/telegram-api.ts';
export { ChatPacer, PER_CHAT_INTERVAL_MS } from './poster/pacer.ts';
export { parsePostButton, postButtonData } from './poster/admin-messages.ts';
export type { AdminChat, PostButton } from './poster/admin-messages.ts';
export { PostActions, postActionsFor } from './poster/actions.ts';
export type { ButtonAnswer } from './poster/actions.ts';
export { planPost, slotRules } from './planner/plan-post.ts';
