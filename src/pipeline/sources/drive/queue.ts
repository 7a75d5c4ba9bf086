// The drive.sync queue: a cron tick of drive.schedule (keyed by its tick), or /sync from an admin (keyed so that a
// second /sync while one waits is the same job), answered in that admin's chat when it ends.
import { z } from 'zod';
import { defineQueue } from '../../../core/queue/index.ts';

export const DRIVE_QUEUE = defineQueue({
  name: 'drive.sync',
  payload: z.object({
    dryRun: z.boolean().default(false),
    /** The chat that asked (/sync), told the summary; null for a scheduled run. */
    chatId: z.number().int().nullable().default(null),
    lang: z.string().default('es'),
  }),
  key: (p) => (p.chatId === null ? null : `drive.sync:${p.dryRun ? 'dry' : 'run'}`),
});
