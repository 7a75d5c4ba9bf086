import { join } from 'node:path';
import type { Config } from '../core/config.ts';

/** backup.dir, or `backups` in the data folder. */
export function backupDir(config: Config): string {
  return config.backup.dir || join(config.paths.data, 'backups');
}
