// Whether a sync holds the lock now (for /sync's "already running"), without loading the sync code.
import type { Store } from '../../../core/store/index.ts';
import { DriveState } from './state.ts';
import type { LockHolder } from './state.ts';

export async function syncInProgress(store: Store): Promise<LockHolder | null> {
  const raw = await new DriveState(store).get('lock');
  if (!raw) return null;
  const holder = JSON.parse(raw) as LockHolder;
  return holder.until > Date.now() ? holder : null;
}
