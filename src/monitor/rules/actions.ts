// A rule's action, checked when the rules file loads, so a bad action is a load error naming the rule, not a failed
// repair at 3 am. What each action takes is the actions' own schemas (monitor/actions/registry.ts): one source.
import { parseDuration } from '../../core/config.ts';
import { expectedOf } from '../actions/params.ts';
import { ACTION_TYPES, actionParams } from '../actions/registry.ts';
import type { ActionPlan } from '../types.ts';
import type { Problem } from './compiled.ts';
import type { RawRule } from './schema.ts';

type RawAction = NonNullable<RawRule['action']>;

/**
 * The plan for a rule's action, or the problems with it. `capturable(name)` says whether every way the rule can
 * match yields that field, so that a parameter taken from a field is there when the repair runs.
 */
export function actionPlan(
  raw: RawAction,
  capturable: (name: string) => boolean,
): { plan: ActionPlan | null; problems: Problem[] } {
  const params = actionParams(raw.type);
  if (!params)
    return {
      plan: null,
      problems: [
        {
          path: ['action', 'type'],
          message: `"${raw.type}" is not an action; the action types are ${ACTION_TYPES.join(', ')}`,
        },
      ],
    };
  const problems: Problem[] = [];
  for (const [name, value] of Object.entries(raw.params)) {
    const schema = params.get(name);
    if (!schema)
      problems.push({
        path: ['action', 'params', name],
        message: `${raw.type} takes no such parameter; it takes ${[...params.keys()].join(', ')}`,
      });
    else if (!schema.safeParse(value).success)
      problems.push({
        path: ['action', 'params', name],
        message: `expected ${expectedOf(schema)}, got ${JSON.stringify(value)}`,
      });
  }
  // A parameter without a default must come from the rule's params or from a field every match captures.
  for (const [name, schema] of params) {
    if (name in raw.params || schema.safeParse(undefined).success || capturable(name)) continue;
    problems.push({
      path: ['action'],
      message: `${raw.type} needs ${name}: capture it in every match alternative (a named group (?<${name}>…), or capture: {${name}: <json field>} for alternatives with fields:) or set action.params.${name}`,
    });
  }
  const backoffMs: number[] = [];
  for (const [i, d] of raw.backoff.entries()) {
    const ms = parseDuration(d);
    if (ms === null)
      problems.push({
        path: ['action', 'backoff', i],
        message: `${JSON.stringify(d)} is not a duration; write it as 500ms, 1s, 2m`,
      });
    else backoffMs.push(ms);
  }
  if (raw.attempts > 1 && raw.backoff.length === 0) {
    problems.push({
      path: ['action', 'attempts'],
      message: `${raw.attempts} attempts but no backoff: say how long to wait between tries, e.g. backoff: [1s, 2s, 4s]`,
    });
  }
  if (problems.length > 0) return { plan: null, problems };
  const plan: ActionPlan = {
    type: raw.type,
    params: Object.freeze({ ...raw.params }),
    attempts: raw.attempts,
    backoffMs,
  };
  Object.freeze(backoffMs);
  return { plan: Object.freeze(plan), problems };
}
