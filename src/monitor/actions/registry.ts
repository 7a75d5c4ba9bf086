// Every repair action by its type name (the rules file names them so), and the early check of a plan's shape that
// rules loading runs before anything happens.
import { z } from 'zod';
import type { ActionPlan } from '../types.ts';
import type { AnyAction } from './action.ts';
import { checkBotApi } from './check-bot-api.ts';
import { createFolder } from './create-folder.ts';
import { fixOwner } from './fix-owner.ts';
import { describeIssues } from './params.ts';
import { pauseIntake } from './pause-intake.ts';
import { quarantineRefetch } from './quarantine-refetch.ts';
import { restartContainer } from './restart-container.ts';
import { retryJob } from './retry-job.ts';

const ALL: readonly AnyAction[] = [
  retryJob,
  createFolder,
  fixOwner,
  quarantineRefetch,
  pauseIntake,
  checkBotApi,
  restartContainer,
];

export const ACTIONS: ReadonlyMap<string, AnyAction> = new Map(ALL.map((a) => [a.type, a]));
export const ACTION_TYPES: readonly string[] = ALL.map((a) => a.type);

/** The parameters an action type takes, by name, from its schema; undefined for a type that is no action. */
export function actionParams(type: string): ReadonlyMap<string, z.ZodType> | undefined {
  const schema = ACTIONS.get(type)?.schema;
  if (!schema) return undefined;
  return new Map(schema instanceof z.ZodObject ? Object.entries(schema.shape as Record<string, z.ZodType>) : []);
}

/** What is wrong with a plan's type, attempts and backoff, or null. */
export function planProblem(plan: ActionPlan): string | null {
  if (!ACTIONS.has(plan.type))
    return `unknown action type ${JSON.stringify(plan.type)}; known types: ${ACTION_TYPES.join(', ')}`;
  if (!Number.isSafeInteger(plan.attempts) || plan.attempts < 1)
    return `${plan.type}: attempts must be a whole number of 1 or more, not ${plan.attempts}`;
  if (plan.backoffMs.some((ms) => !Number.isFinite(ms) || ms < 0))
    return `${plan.type}: backoff waits must be durations of 0 or more`;
  return null;
}

/**
 * The plan's own parameters, checked without running anything. A parameter the plan leaves out may still come
 * from the fields a rule captures (job_id, path), so only the parameters present are judged, and unknown ones named.
 */
export function validatePlan(plan: ActionPlan): string | null {
  const problem = planProblem(plan);
  if (problem) return problem;
  const action = ACTIONS.get(plan.type) as AnyAction;
  const known = [...(actionParams(plan.type)?.keys() ?? [])];
  const unknown = Object.keys(plan.params).filter((k) => !known.includes(k));
  if (unknown.length)
    return `${plan.type}: unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; it takes ${known.join(', ')}`;
  const parsed = action.schema.safeParse(plan.params);
  if (parsed.success) return null;
  const present = parsed.error.issues.filter(
    (i) => i.path.length === 0 || Object.hasOwn(plan.params, String(i.path[0])),
  );
  return present.length ? `${plan.type}: ${describeIssues(new z.ZodError(present))}` : null;
}
