// check_bot_api {interval, times}: asks the Bot API server getMe up to `times` times, `interval` apart; holds as
// soon as it answers. Nothing here can restart it (restart_container can, when it runs in Docker).
import { z } from 'zod';
import { pingBotApi } from '../bot-api.ts';
import { fail, ok } from './action.ts';
import type { Action } from './action.ts';
import { countParam, durationParam, timeoutParam } from './params.ts';
import { formatDuration } from '../../core/format.ts';

const schema = z.object({
  interval: durationParam('interval').default(10_000),
  times: countParam('times', '3').default(3),
  timeout: timeoutParam,
});
type Params = z.infer<typeof schema>;

/** One getMe may take this long: long enough for a busy local server, short next to the interval. */
function pingMs(p: Params): number {
  return Math.min(10_000, Math.max(1000, p.interval));
}

export const checkBotApi: Action<Params> = {
  type: 'check_bot_api',
  schema,
  timeoutMs: (p) => p.timeout ?? p.times * (p.interval + pingMs(p)) + 1000,
  describe: (p) => `ask the Bot API server (getMe) up to ${p.times} times, ${formatDuration(p.interval)} apart`,
  async precheck(_p, ctx) {
    return ctx.botApi.token
      ? null
      : { result: 'failed', detail: 'cannot ask the Bot API server: TELEGRAM_BOT_TOKEN is not set' };
  },
  async attempt(p, ctx) {
    const { apiRoot, token } = ctx.botApi;
    if (!token) return fail('cannot ask the Bot API server: TELEGRAM_BOT_TOKEN is not set', true);
    let last = '';
    for (let i = 1; i <= p.times; i++) {
      if (i > 1) await ctx.sleep(p.interval);
      if (ctx.signal.aborted) break;
      const answer = await pingBotApi(apiRoot, token, pingMs(p));
      if (answer.ok) return ok(`the Bot API server at ${apiRoot} answers (check ${i} of ${p.times})`);
      last = answer.error;
      ctx.log.warn({ check: i, of: p.times }, `repair: ${answer.error}`);
    }
    return fail(`${last} (checked ${p.times} times, ${formatDuration(p.interval)} apart)`);
  },
};
