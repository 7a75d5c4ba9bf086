// The repairs a rule may ask for and the parameters each takes. The repairs themselves live in monitor/actions/;
// here a rules file is checked early, so a bad action is a load error naming the rule, not a failed repair at 3 am.
import { parseDuration } from '../../core/config.ts';
import type { ActionPlan } from '../types.ts';
import type { Problem } from './compiled.ts';

type Param = string | number | boolean;

interface ParamSpec {
  /** Required: the rule's params or a field every match captures must give it. Else the action has a default. */
  required: boolean;
  /** A problem with a value given in params, or null. */
  check(value: Param): string | null;
}

const text = (value: Param): string | null => (typeof value === 'string' && value.trim() ? null : 'a non-empty text');
const jobId = (value: Param): string | null =>
  (typeof value === 'number' && Number.isInteger(value) && value > 0) || (typeof value === 'string' && /^\d+$/.test(value)) ? null : 'a job id (a whole number)';
const absolutePath = (value: Param): string | null => (typeof value === 'string' && value.startsWith('/') ? null : 'an absolute path');
// As the actions read them: '10s', '500ms', or a number of milliseconds.
const duration = (value: Param): string | null =>
  (typeof value === 'number' && Number.isInteger(value) && value >= 0) || (typeof value === 'string' && parseDuration(value) !== null) ? null : "a duration such as '10s' or '1m'";
const times = (value: Param): string | null => (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 100 ? null : 'a whole number from 1 to 100');
const container = (value: Param): string | null => (typeof value === 'string' && /^\/?[a-zA-Z0-9][\w.-]*$/.test(value) ? null : 'a container name');

/** From the rule's params or from a captured field (job_id, path, …). */
const field = (check: ParamSpec['check'], required = true): ParamSpec => ({ required, check });
/** Set in the rule, or left to the action's default. */
const option = (check: ParamSpec['check']): ParamSpec => ({ required: false, check });
// Every action takes a timeout for one try instead of its default limit.
const timeout = option(duration);

/** Every action type and its parameters; the actions module merges the finding's fields under the params. */
export const ACTION_PARAMS: Readonly<Record<string, Readonly<Record<string, ParamSpec>>>> = {
  retry_job: { job_id: field(jobId), timeout },
  create_folder: { path: field(absolutePath), timeout },
  fix_owner: { path: field(absolutePath), timeout },
  quarantine_refetch: { path: field(absolutePath), job_id: field(jobId, false), timeout },
  pause_intake: { reason: field(text, false), timeout },
  check_bot_api: { interval: option(duration), times: option(times), timeout },
  restart_container: { container: field(container), timeout },
};

export const RULE_ACTION_TYPES: readonly string[] = Object.keys(ACTION_PARAMS);

export interface RawAction {
  type: string;
  params: Record<string, Param>;
  attempts: number;
  backoff: string[];
}

/**
 * The plan for a rule's action, or the problems with it. `capturable(name)` says whether every way the rule can
 * match yields that field, so that a parameter taken from a field is there when the repair runs.
 */
export function actionPlan(raw: RawAction, capturable: (name: string) => boolean): { plan: ActionPlan | null; problems: Problem[] } {
  const spec = ACTION_PARAMS[raw.type];
  if (!spec) return { plan: null, problems: [{ path: ['action', 'type'], message: `"${raw.type}" is not an action; the action types are ${RULE_ACTION_TYPES.join(', ')}` }] };
  const problems: Problem[] = [];
  for (const [name, value] of Object.entries(raw.params)) {
    const p = spec[name];
    if (!p) {
      problems.push({ path: ['action', 'params', name], message: `${raw.type} takes no such parameter; it takes ${Object.keys(spec).join(', ')}` });
      continue;
    }
    const wrong = p.check(value);
    if (wrong) problems.push({ path: ['action', 'params', name], message: `expected ${wrong}, got ${JSON.stringify(value)}` });
  }
  for (const [name, p] of Object.entries(spec)) {
    if (!p.required || name in raw.params) continue;
    if (!capturable(name)) {
      problems.push({
        path: ['action'],
        message: `${raw.type} needs ${name}: capture it in every match alternative (a named group (?<${name}>…), or capture: {${name}: <json field>} for alternatives with fields:) or set action.params.${name}`,
      });
    }
  }
  const backoffMs: number[] = [];
  for (const [i, d] of raw.backoff.entries()) {
    const ms = parseDuration(d);
    if (ms === null) problems.push({ path: ['action', 'backoff', i], message: `${JSON.stringify(d)} is not a duration; write it as 500ms, 1s, 2m` });
    else backoffMs.push(ms);
  }
  if (raw.attempts > 1 && raw.backoff.length === 0) {
    problems.push({ path: ['action', 'attempts'], message: `${raw.attempts} attempts but no backoff: say how long to wait between tries, e.g. backoff: [1s, 2s, 4s]` });
  }
  if (problems.length > 0) return { plan: null, problems };
  const plan: ActionPlan = { type: raw.type, params: Object.freeze({ ...raw.params }), attempts: raw.attempts, backoffMs };
  Object.freeze(backoffMs);
  return { plan: Object.freeze(plan), problems };
}
