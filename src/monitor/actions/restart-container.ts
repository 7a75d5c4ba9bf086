// restart_container {container}: restarts a stopped or unhealthy container through the Docker API, unless it is
// restarting already; holds when it runs (and is not unhealthy) afterwards. Counted by the same breaker as the rest.
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { fail, ok } from './action.ts';
import type { Action } from './action.ts';
import { timeoutParam } from './params.ts';

const schema = z.object({
  container: z
    .string({ error: 'container is required: the container name' })
    .regex(/^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'container must be a container name such as telegram-bot-api')
    .describe('a container name such as telegram-bot-api'),
  timeout: timeoutParam,
});
type Params = z.infer<typeof schema>;

const POLL_MS = 1000;
const NO_DOCKER = 'Docker is not available to the monitor (monitor.docker_socket): restart the container by hand';

export const restartContainer: Action<Params> = {
  type: 'restart_container',
  schema,
  timeoutMs: (p) => p.timeout ?? 60_000,
  describe: (p) => `restart container ${p.container} unless it is restarting already`,
  async precheck(p, ctx) {
    if (!ctx.docker) return { result: 'failed', detail: NO_DOCKER };
    const state = await ctx.docker.inspect(p.container);
    if (state.status === 'missing') return { result: 'failed', detail: `there is no container named ${p.container}` };
    if (state.status === 'restarting')
      return { result: 'skipped', detail: `container ${p.container} is restarting already; left alone` };
    return null;
  },
  async attempt(p, ctx) {
    const docker = ctx.docker;
    if (!docker) return fail(NO_DOCKER, true);
    const before = await docker.inspect(p.container);
    if (before.status === 'restarting')
      return fail(`container ${p.container} is restarting (by Docker's restart policy); waiting for it`);
    await docker.restart(p.container);
    // Polled until it runs: a health check may take a moment to leave 'unhealthy'; the try's time limit ends it.
    for (;;) {
      const s = await docker.inspect(p.container);
      if (s.status === 'running' && s.health !== 'unhealthy')
        return ok(`container ${p.container} runs again${s.health ? ` (${s.health})` : ''}`);
      if (s.status === 'missing') return fail(`container ${p.container} disappeared during the restart`, true);
      ctx.log.debug(
        { container: p.container, status: s.status, health: s.health },
        'repair: waiting for the container to run',
      );
      await sleep(POLL_MS, undefined, { signal: ctx.signal });
    }
  },
};
