// The admins' content commands: /queue [creator], /postnow <post>, /skip <post>, /reschedule <post> <time>,
// /caption <post> <text>. Registered only when a channel is configured (see contentConfigured).
import type { Config } from '../core/config.ts';
import type { Logger } from '../core/log.ts';
import type { Queue } from '../core/queue/index.ts';
import type { Store } from '../core/store/index.ts';
import { PostCommands } from '../pipeline/content/index.ts';
import type { PostCommandAnswer } from '../pipeline/content/index.ts';
import type { CommandCall, Commands } from './commands.ts';

export function registerContentCommands(
  commands: Commands,
  config: Config,
  store: Store,
  queue: Queue,
  log: Logger,
): void {
  const posts = new PostCommands(config, store, queue);
  const say = async (call: CommandCall, answer: PostCommandAnswer): Promise<void> => {
    await call.ctx.reply(call.t(answer.key, answer.vars), { parse_mode: 'HTML' });
  };
  /** `<post> [rest]`; answers the usage and returns null when the post is not a number. */
  const args = async (call: CommandCall, usage: string): Promise<{ id: number; rest: string } | null> => {
    const m = /^#?(\d{1,15})(?:\s+([\s\S]*))?$/.exec(call.args);
    if (!m) {
      await call.ctx.reply(call.t('post-cmd-usage', { usage }));
      return null;
    }
    return { id: Number(m[1]), rest: (m[2] ?? '').trim() };
  };
  const guarded =
    (run: (call: CommandCall) => Promise<void>) =>
    async (call: CommandCall): Promise<void> => {
      try {
        await run(call);
      } catch (err) {
        log.error({ err, command: call.ctx.message?.text }, 'content command failed');
        await call.ctx.reply(call.t('button-failed'));
      }
    };

  commands.register({
    name: 'queue',
    roles: ['admin'],
    description: 'cmd-queue',
    run: guarded(async (call) => {
      const lines = await posts.queue(call.args, call.lang);
      await call.ctx.reply(lines.length === 0 ? call.t('post-cmd-queue-empty') : lines.join('\n'), {
        parse_mode: 'HTML',
      });
    }),
  });
  commands.register({
    name: 'postnow',
    roles: ['admin'],
    description: 'cmd-postnow',
    run: guarded(async (call) => {
      const a = await args(call, '/postnow <post>');
      if (a) await say(call, await posts.postNow(a.id, call.user.name, call.lang));
    }),
  });
  commands.register({
    name: 'skip',
    roles: ['admin'],
    description: 'cmd-skip',
    run: guarded(async (call) => {
      const a = await args(call, '/skip <post>');
      if (a) await say(call, await posts.skip(a.id, call.user.name));
    }),
  });
  commands.register({
    name: 'reschedule',
    roles: ['admin'],
    description: 'cmd-reschedule',
    run: guarded(async (call) => {
      const a = await args(call, '/reschedule <post> <HH:MM | YYYY-MM-DD HH:MM>');
      if (a) await say(call, await posts.reschedule(a.id, a.rest, call.user.name, call.lang));
    }),
  });
  commands.register({
    name: 'caption',
    roles: ['admin'],
    description: 'cmd-caption',
    run: guarded(async (call) => {
      const a = await args(call, '/caption <post> <text>');
      if (!a) return;
      if (a.rest === '') await call.ctx.reply(call.t('post-cmd-usage', { usage: '/caption <post> <text>' }));
      else await say(call, await posts.caption(a.id, a.rest, call.user.name));
    }),
  });
}
