// The monitor's periodic checks: each is a Check (types.ts) with its own interval that returns CheckResult[]; the
// monitor module schedules them and feeds the results to incidents. Docker's check lives in ../docker/.
import { POST_RULES } from './posts.ts';

export { diskCheck, nextDiskLevel } from './disk.ts';
export type { DiskCheckOptions, DiskLevel, DiskThresholds } from './disk.ts';
export { botApiCheck } from './bot-api.ts';
export type { BotApiCheckOptions } from './bot-api.ts';
export { heartbeatCheck } from './heartbeat.ts';
export type { HeartbeatCheckOptions } from './heartbeat.ts';
export { healthzCheck } from './healthz.ts';
export type { HealthzCheckOptions } from './healthz.ts';
export { stalledCheck } from './stalled.ts';
export { telegramPollingCheck } from './telegram-polling.ts';
export { storeCheck } from './store.ts';
export { POST_RULES, postsCheck } from './posts.ts';
export type { PostProblemKind, PostsCheckOptions, PostsNeedingAttention, WatchedPost } from './posts.ts';
export { backupCheck } from './backup.ts';
export type { StalledCheckOptions } from './stalled.ts';
export { Probes, ProbeState, checkSelect, probesMigration, unitOf } from './probes/index.ts';
export type { ProbeRecord, ProbeSnapshot, ProbesOptions } from './probes/index.ts';

/**
 * Every rule id the checks (and the Docker watch) report under. A check's id is one of them, but stalledCheck also
 * reports schedule_overdue and the Docker check also docker_unreachable: give this whole list to anything that must
 * tell check incidents (resolved by an ok result) from log incidents (resolved by going quiet).
 */
export const CHECK_RULES: readonly string[] = [
  'disk',
  'bot_api',
  'heartbeat',
  'healthz',
  'queue_stalled',
  'schedule_overdue',
  'probe',
  'docker',
  'docker_unreachable',
  'telegram_polling',
  'store',
  ...POST_RULES,
  'backup',
];
