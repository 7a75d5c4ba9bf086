// /maintenance for admins: `/maintenance loader 2h upgrading` pauses the monitor's repairs and alerts for a container
// or probe (it ends by itself), `/maintenance loader off` ends it, `/maintenance` lists the active windows.
import { parseDuration } from '../core/config.ts';
import type { Config } from '../core/config.ts';
import type { Logger } from '../core/log.ts';
import type { Store } from '../core/store/index.ts';
import { Maintenance, maintenanceTargets } from '../monitor/index.ts';
import type { Commands } from './commands.ts';
import { formatTime } from '../core/format.ts';

export function registerMaintenanceCommand(
  commands: Commands,
  store: Store,
  monitor: Config['monitor'],
  log: Logger,
): void {
  let windows: Maintenance | null = null;
  commands.register({
    name: 'maintenance',
    roles: ['admin'],
    description: 'cmd-maintenance',
    run: async ({ ctx, args, user, t }) => {
      windows ??= new Maintenance(store);
      const targets = maintenanceTargets(monitor);
      const [target, duration, ...reason] = args.split(/\s+/).filter(Boolean);
      try {
        if (target === undefined) {
          const active = await windows.active();
          const lines = active.map((w) =>
            t('maintenance-line', { target: w.target, until: formatTime(w.until), by: w.by, reason: w.reason || '—' }),
          );
          await ctx.reply(active.length === 0 ? t('maintenance-none') : [t('maintenance-title'), ...lines].join('\n'));
          return;
        }
        if (duration === 'off') {
          await ctx.reply(
            (await windows.end(target)) ? t('maintenance-ended', { target }) : t('maintenance-not-active', { target }),
          );
          return;
        }
        const durationMs = duration === undefined ? null : parseDuration(duration);
        if (durationMs === null) {
          await ctx.reply(t('maintenance-usage'));
          return;
        }
        if (!targets.includes(target)) {
          await ctx.reply(t('maintenance-unknown', { target, targets: targets.join(', ') || '—' }));
          return;
        }
        const w = await windows.start({ target, durationMs, reason: reason.join(' '), by: user.name }, targets);
        await ctx.reply(t('maintenance-done', { target: w.target, until: formatTime(w.until) }));
      } catch (err) {
        const message = (err as Error).message;
        if (message.startsWith('maintenance:')) {
          await ctx.reply(`${message}\n${t('maintenance-usage')}`);
          return;
        }
        log.error({ err }, '/maintenance failed');
        await ctx.reply(t('monitor-unavailable'));
      }
    },
  });
}
