// The monitor's alerts: news of incidents to the admins' chat through the durable outbox, grouped, muted by
// silences, acks and inhibition, and repeated as reminders while an incident stays open.
export { Alerts } from './alerts.ts';
export type { AlertEvent, AlertsDeps } from './alerts.ts';
export { DIGEST_QUEUE, DIGEST_SCHEDULE, digestDue, scheduleRepairDigest, sendRepairDigest } from './digest.ts';
export { Silences } from './silences.ts';
export type { Silence } from './silences.ts';
export { formatIncident } from './format.ts';
export { composeMessage, MAX_LISTED } from './compose.ts';
export type { AlertButton, AlertMessage } from './compose.ts';
export { INHIBIT_RULES } from './inhibit.ts';
export type { InhibitRule } from './inhibit.ts';
export type { Lang } from './strings.ts';
export type { AlertTables, NoticeEvent, NoticeState } from './tables.ts';
