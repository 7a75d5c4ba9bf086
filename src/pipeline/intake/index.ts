export { Intake } from './intake.ts';
export { IntakeRecords } from './records.ts';
export { intakeMigration } from './migration.ts';
export { DOWNLOAD_QUEUE, NEXT_QUEUE, extensionOf, handToPipeline, safeName } from './download-job.ts';
export { BATCH_QUEUE } from './batch-job.ts';
export type { FileLocator, FilePlan, Notifier } from './ports.ts';
export type { BatchRow, FileKind, FileRow, NewFile, Purpose } from './records.ts';
export type { PauseState } from './pause.ts';
export { remapPath } from './store-file/index.ts';
