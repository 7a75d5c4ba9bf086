// The content pipeline: posts (rows and states), the planner (slots per creator and zone), the poster.
export { POST_STATES, SLOT_STATES, postsMigration } from './posts/table.ts';
export type { Post, PostHistoryRow, PostState, PostTables } from './posts/table.ts';
export { PostRecords } from './posts/records.ts';
export type { NewPost, PostChanges } from './posts/records.ts';
export { nextSlot, takenSince } from './planner/planner.ts';
export type { SlotRules } from './planner/planner.ts';
export { localDate, offsetAt, zonedTime } from './planner/zone.ts';
