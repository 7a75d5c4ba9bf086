// What callers hand the incident store, checked at the boundary: a finding from a rule or a check, a state
// change from the engine, a filter from a command. A bad value fails with what was wrong.
import { z } from 'zod';
import { SEVERITIES } from '../types.ts';
import type { Finding, IncidentState } from '../types.ts';

export const INCIDENT_STATES = [
  'detected',
  'retrying',
  'pending',
  'suppressed',
  'solved',
  'failed',
] as const satisfies readonly IncidentState[];

const findingSchema = z.object({
  rule: z.string().min(1, 'a finding needs the id of its rule or check'),
  errorType: z.string().min(1, 'a finding needs an error type'),
  severity: z.enum(SEVERITIES),
  target: z.string(),
  message: z.string(),
  fields: z.record(z.string(), z.string()),
  action: z.object({ type: z.string().min(1), attempts: z.number().int().min(1) }).nullable(),
});

const changeSchema = z
  .object({
    attempt: z.number().int().min(0).optional(),
    maxAttempts: z.number().int().min(0).optional(),
    action: z.string().min(1).optional(),
    message: z.string().optional(),
  })
  .strict();

const filterSchema = z
  .object({
    open: z.boolean().optional(),
    type: z.string().min(1, 'the type filter is empty: give an error type such as download_timeout').optional(),
    limit: z.number().int().min(1, 'the limit must be 1 or more').max(10_000, 'the limit is at most 10000').optional(),
    /** Incidents skipped first: the next page of a list. */
    offset: z.number().int().min(0).optional(),
  })
  .strict();

export type StateChange = z.infer<typeof changeSchema>;
export type IncidentFilter = z.infer<typeof filterSchema>;

function check<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ');
  throw new Error(`${what}: ${problems}`);
}

/** The parts of a finding an incident keeps; action plans are checked by their own module. */
export function checkFinding(finding: Finding): z.infer<typeof findingSchema> {
  return check(findingSchema, finding, 'incident: not a valid finding');
}

export function checkChange(change: unknown): StateChange {
  return check(changeSchema, change ?? {}, 'incident: not a valid state change');
}

export function checkState(state: unknown): IncidentState {
  return check(
    z.enum(INCIDENT_STATES),
    state,
    `incident: unknown state (the states are ${INCIDENT_STATES.join(', ')})`,
  );
}

export function checkFilter(filter: unknown): IncidentFilter {
  return check(filterSchema, filter ?? {}, 'incidents: bad filter');
}

export function checkId(id: unknown): number {
  return check(z.number().int().positive('an incident id is a positive whole number'), id, 'incident id');
}

export function checkName(name: unknown, what: string): string {
  return check(z.string().trim().min(1, `say who ${what}`).max(200), name, `incident: ${what}`);
}
