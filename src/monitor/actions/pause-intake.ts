// pause_intake {reason}: stops taking new files (disk full) through the intake's shared pause flag; holds when
// the flag is set. Intake resumes only by a person (/resume), once the cause is fixed.
import { z } from 'zod';
import { intakePaused, pauseIntake as pause } from '../../pipeline/intake/index.ts';
import { fail, ok } from './action.ts';
import type { Action } from './action.ts';
import { timeoutParam } from './params.ts';

const schema = z.object({
  reason: z
    .string({ error: 'reason must be text: why intake is paused (shown to people)' })
    .min(1, 'reason is empty: say why intake is paused')
    .describe('a non-empty text')
    .optional(),
  timeout: timeoutParam,
});
type Params = z.infer<typeof schema>;

export const pauseIntake: Action<Params> = {
  type: 'pause_intake',
  schema,
  timeoutMs: (p) => p.timeout ?? 10_000,
  describe: (p) => `pause intake${p.reason ? `: ${p.reason}` : ''}`,
  async attempt(p, ctx) {
    const reason = p.reason ?? ctx.finding.message;
    const first = await pause(ctx.store, reason);
    const state = await intakePaused(ctx.store);
    if (!state) return fail('intake is still not paused after pausing it');
    return ok(first ? `intake paused: ${reason}` : `intake was paused already (${state.reason})`);
  },
};
