// The monitor's log tailer: follows files, globs and pino-roll's symlink across rotation and restarts, and hands
// their records to the rules, never losing or repeating a line. This is the folder's public face.
export { tailMigration } from './migration.ts';
export type { TailTables } from './migration.ts';
export { Tailer } from './tailer.ts';
export type { TailOptions } from './options.ts';
export { readNumberedRecords, readRecordsFromFile } from './read-file.ts';
export { CUT_MARK } from './lines.ts';
export { RecordAssembler } from './records.ts';
