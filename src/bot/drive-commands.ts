// The admins' /sync (a Drive sync now, answered with its summary when it ends) and /sync dry (what it would take).
// Registered only when drive.folders is set; while a run holds the lock, /sync says so.
import type { Logger } from '../core/log.ts';
import type { Queue } from '../core/queue/index.ts';
import type { Store } from '../core/store/index.ts';
import { DRIVE_QUEUE, syncInProgress } from '../pipeline/sources/index.ts';
import type { Commands } from './commands.ts';

export function registerDriveCommands(commands: Commands, store: Store, queue: Queue, log: Logger): void {
  commands.register({
    name: 'sync',
    roles: ['admin'],
    description: 'cmd-sync',
    run: async (call) => {
      try {
        const holder = await syncInProgress(store);
        if (holder) {
          const since = new Date(holder.since).toISOString().slice(11, 16);
          await call.ctx.reply(call.t('drive-sync-busy', { detail: `${holder.by}, ${since} UTC` }));
          return;
        }
        const chatId = call.ctx.chat?.id;
        if (chatId === undefined) return;
        const dryRun = /^dry\b/i.test(call.args.trim());
        await queue.enqueue(DRIVE_QUEUE, { dryRun, chatId, lang: call.lang });
        await call.ctx.reply(call.t('drive-sync-started'));
      } catch (err) {
        log.error({ err }, '/sync failed');
        await call.ctx.reply(call.t('button-failed'));
      }
    },
  });
}
