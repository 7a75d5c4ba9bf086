export { Queue } from './queue.ts';
export type { QueueOptions, QueueStats } from './queue.ts';
export { NotHere, RetryAfter, PermanentError } from './errors.ts';
export { nextRun, validateSchedule } from './cron.ts';
export type { ScheduleOptions } from './cron.ts';
export type { EnqueueOptions, Handler, HandlerContext, Job, JobFilter, JobOutcome, WorkOptions } from './types.ts';
