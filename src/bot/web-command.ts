// /web: any listed user gets a one-time link to the web page (valid 10 minutes, signs in once). The link is made
// by the web module (main.ts hands the bot a function), so the bot knows nothing of sessions.
import type { Logger } from '../core/log.ts';
import type { Commands } from './commands.ts';

/** Makes a sign-in link for a listed user. */
export type WebLink = (userId: number) => Promise<string>;

export function registerWebCommand(commands: Commands, webLink: WebLink, log: Logger): void {
  commands.register({
    name: 'web',
    roles: ['admin', 'staff', 'model'],
    description: 'cmd-web',
    run: async ({ ctx, user, t }) => {
      const url = await webLink(user.id);
      log.info({ user: user.id }, 'web sign-in link sent');
      // No preview: Telegram's preview fetcher would open the link (it only asks; the sign-in is a POST).
      await ctx.reply(t('web-link', { url }), { link_preview_options: { is_disabled: true } });
    },
  });
}
