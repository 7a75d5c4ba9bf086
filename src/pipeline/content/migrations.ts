// The content pipeline's tables, for the store set-up: a face of its own, light, so that opening the store loads
// neither grammY nor Gemini.
export { captionCostMigration, postsMigration } from './posts/table.ts';
export { captionEditsMigration } from './approval/table.ts';
