// The intake's tables, for the store set-up: a face of its own, light, so that opening the store loads no job code.
export { intakeMigration } from './migration.ts';
export { fileCaptionMigration } from './caption-migration.ts';
