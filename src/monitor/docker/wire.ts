// What we read from the Engine API, checked with zod at the boundary: only the fields the monitor uses, so a newer
// daemon that adds fields still parses, and a malformed answer is a clear error instead of a wrong verdict.
import { z } from 'zod';

export const inspectSchema = z.object({
  Id: z.string(),
  Name: z.string(),
  RestartCount: z.number().int().nonnegative().catch(0),
  State: z.object({
    Status: z.string(),
    ExitCode: z.number().int().catch(0),
    OOMKilled: z.boolean().catch(false),
    Health: z.object({ Status: z.string() }).nullish(),
  }),
  Config: z
    .object({ Tty: z.boolean().catch(false) })
    .partial()
    .nullish(),
});

const eventSchema = z.object({
  Type: z.string().optional(),
  Action: z.string(),
  Actor: z.object({ ID: z.string(), Attributes: z.record(z.string(), z.string()).nullish() }),
  time: z.number(),
  timeNano: z.number().optional(),
});

export interface DockerEvent {
  /** die, oom, kill, start, 'health_status: unhealthy', … */
  action: string;
  /** The container's name, without Docker's leading slash. */
  container: string;
  id: string;
  attributes: Record<string, string>;
  /** Milliseconds since the epoch. */
  at: number;
  /** Nanoseconds as Docker sent them (rounded by JSON's doubles): for ordering and skipping replays. */
  timeNano: number;
}

export function toEvent(raw: unknown): DockerEvent | null {
  const parsed = eventSchema.safeParse(raw);
  if (!parsed.success || (parsed.data.Type && parsed.data.Type !== 'container')) return null;
  const e = parsed.data;
  const attributes = e.Actor.Attributes ?? {};
  const timeNano = e.timeNano ?? e.time * 1e9;
  return {
    action: e.Action,
    container: (attributes.name ?? '').replace(/^\//, ''),
    id: e.Actor.ID,
    attributes,
    at: Math.floor(timeNano / 1e6),
    timeNano,
  };
}

/** GET /version: what doctor shows of the daemon. */
export const versionSchema = z.object({ Version: z.string(), ApiVersion: z.string() });
