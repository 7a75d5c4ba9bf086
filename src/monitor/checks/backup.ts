// Backup check: the last scheduled backup failed (backup_failed), or the newest backup in backup.dir is older than
// backup.max_age (backup_stale; with none at all, once the monitor has run that long). Healthy resolves both.
import { formatDuration, formatTime } from '../../core/format.ts';
import type { Store } from '../../core/store/index.ts';
import { lastAttempt, newestBackup } from '../../backup/index.ts';
import type { Check } from '../types.ts';
import { healthy, problem } from './result.ts';

export interface BackupCheckOptions {
  store: Store;
  dir: string;
  maxAgeMs: number;
  intervalMs: number;
  now?: () => number;
}

export function backupCheck(o: BackupCheckOptions): Check {
  const now = o.now ?? Date.now;
  const since = now();
  return {
    id: 'backup',
    intervalMs: o.intervalMs,
    async run() {
      const t = now();
      const [newest, last] = await Promise.all([newestBackup(o.dir), lastAttempt(o.store)]);
      if (last && !last.ok && (!newest || last.at > newest.at)) {
        return [
          problem({
            rule: 'backup',
            errorType: 'backup_failed',
            severity: 'critical',
            target: o.dir,
            message: `the backup at ${formatTime(last.at)} failed: ${last.error ?? 'no reason given'}; run \`centinela backup\` to see it again`,
            fields: { dir: o.dir, error: last.error ?? '' },
          }),
        ];
      }
      const age = newest ? t - newest.at : t - since;
      if (age > o.maxAgeMs) {
        return [
          problem({
            rule: 'backup',
            errorType: 'backup_stale',
            severity: 'warning',
            target: o.dir,
            message: newest
              ? `the newest backup (${newest.path}) is ${formatDuration(age)} old, more than backup.max_age (${formatDuration(o.maxAgeMs)}): check that the scheduled backup runs (backup.schedule)`
              : `no backup in ${o.dir} after ${formatDuration(age)}: run \`centinela backup\` and check backup.schedule`,
            fields: { dir: o.dir },
          }),
        ];
      }
      return [healthy('backup', o.dir)];
    },
  };
}
