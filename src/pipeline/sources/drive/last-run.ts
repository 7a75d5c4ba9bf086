// The last sync run as kept in sync_state, for `status` and /status.
import type { Store } from '../../../core/store/index.ts';
import type { SyncMetrics } from './metrics.ts';
import { DriveState } from './state.ts';

export type LastDriveRun = SyncMetrics & { exit_code: number };

export async function lastDriveRun(store: Store): Promise<LastDriveRun | null> {
  const raw = await new DriveState(store).get('last_run');
  return raw ? (JSON.parse(raw) as LastDriveRun) : null;
}
