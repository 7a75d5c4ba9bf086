// pause_intake {reason}: stops taking new files (disk full) through the intake's shared pause flag. The remedy holds
// while the disk is short: the incident stays open, and intake resumes when the disk check sees room again (or by
// /resume). A log line about a full disk pauses intake only when it names a path under the allowed roots or a
// watched disk is under disk.critical_free: an ENOSPC about another filesystem is not ours to stop for.
import { z } from 'zod';
import { intakePaused, pauseIntake as pause } from '../../pipeline/intake/index.ts';
import { fail, holding } from './action.ts';
import type { Action } from './action.ts';
import { timeoutParam } from './params.ts';

const schema = z.object({
  reason: z
    .string({ error: 'reason must be text: why intake is paused (shown to people)' })
    .min(1, 'reason is empty: say why intake is paused')
    .describe('a non-empty text')
    .optional(),
  path: z.string().optional(),
  timeout: timeoutParam,
});
type Params = z.infer<typeof schema>;

/** Pause reasons start with this, so that the disk check knows which pauses it may lift. */
export const DISK_PAUSE_PREFIX = 'disk ';

export const pauseIntake: Action<Params> = {
  type: 'pause_intake',
  schema,
  timeoutMs: (p) => p.timeout ?? 10_000,
  describe: (p) => `pause intake${p.reason ? `: ${p.reason}` : ''}`,
  async precheck(p, ctx) {
    if (ctx.finding.rule === 'disk') return null; // the disk check itself measured it
    if (p.path && (await ctx.confine(p.path, true)).ok) return null;
    if (await ctx.diskLow()) return null;
    const where = p.path ? `${p.path} is outside the folders Centinela writes to` : 'the line names no path';
    return { result: 'skipped', detail: `intake stays open: ${where} and no watched disk is under disk.critical_free` };
  },
  async attempt(p, ctx) {
    const given = p.reason ?? ctx.finding.message;
    const reason = given.startsWith(DISK_PAUSE_PREFIX) ? given : `${DISK_PAUSE_PREFIX}${given}`;
    const first = await pause(ctx.store, reason);
    const state = await intakePaused(ctx.store);
    if (!state) return fail('intake is still not paused after pausing it');
    return holding(
      `${first ? `intake paused: ${reason}` : `intake was paused already (${state.reason})`}; it resumes when the disk check sees room again`,
    );
  },
};
