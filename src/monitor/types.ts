// The words the monitor's parts share: a log record read by the tailer, a finding (a problem seen now, by a rule
// or a check), the plan of a repair, and an incident's states. Each part (tail/, rules/, checks/, actions/,
// incidents/, alerts/) works on these and knows nothing of the others, except that rules/ checks a rule's action
// against the actions' own parameter schemas (actions/registry.ts) when the rules file loads.

export type Severity = 'info' | 'warning' | 'critical';
export const SEVERITIES = ['info', 'warning', 'critical'] as const;

/** When the admins hear of an incident: never, only when the repair failed, or always. */
export type Notify = 'never' | 'on_failure' | 'always';

/**
 * detected → retrying → solved | failed. pending: waiting for its next attempt or for a check to confirm;
 * suppressed: seen while a silence or an inhibiting incident holds, so nobody is told.
 */
export type IncidentState = 'detected' | 'retrying' | 'pending' | 'suppressed' | 'solved' | 'failed';
export const OPEN_STATES: readonly IncidentState[] = ['detected', 'retrying', 'pending', 'suppressed'];

/** One log record: a line, or several joined by \n (a stack trace). */
export interface LogRecord {
  /** The file path, or `docker:<container>` for a container's log. */
  source: string;
  text: string;
  /** The parsed object when the record is one JSON object, else null (matched as text). */
  json: Record<string, unknown> | null;
}

/** A repair to try: an action type, its parameters (merged over the finding's fields), attempts and waits. */
export interface ActionPlan {
  type: string;
  params: Record<string, string | number | boolean>;
  /** Tries in all, at least 1. */
  attempts: number;
  /** Wait before attempt 2, 3, …; the last value repeats. */
  backoffMs: number[];
}

/** A problem seen now: by a rule on a log record, or by a check. */
export interface Finding {
  /** The rule's or the check's id. */
  rule: string;
  errorType: string;
  severity: Severity;
  /** What it is about (a path, a job id, a container, a disk); the incident's fingerprint is rule + target. */
  target: string;
  /** One line for a person: the incident's error_message. */
  message: string;
  /** Captured fields: model, video, path, job_id, container, … */
  fields: Record<string, string>;
  action: ActionPlan | null;
  notify: Notify;
}

/** A check's verdict on one target: a problem, or healthy (which resolves the open incident of rule + target). */
export type CheckResult = { ok: false; finding: Finding } | { ok: true; rule: string; target: string };

export interface Check {
  readonly id: string;
  readonly intervalMs: number;
  run(): Promise<CheckResult[]>;
}

/** The incident's fingerprint: stable across restarts and processes. */
export function fingerprint(rule: string, target: string): string {
  return `${rule}|${target}`;
}

/** What the monitor needs from Docker: the state of a container and a restart (checks and the restart action). */
export interface ContainerState {
  name: string;
  /** created, running, restarting, exited, paused, dead; 'missing' when no such container exists. */
  status: string;
  /** healthy, unhealthy, starting; null without a health check. */
  health: string | null;
  restartCount: number;
}

export interface DockerApi {
  inspect(name: string): Promise<ContainerState>;
  restart(name: string): Promise<void>;
}
