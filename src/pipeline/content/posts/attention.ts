// The content pipeline's answer to "which posts need a person now" (the monitor asks it through the composition
// root): failed, unknown and missed posts, and posts the poster did not get to in time, with their video's name.
import { basename } from 'node:path';
import type { Store } from '../../../core/store/index.ts';
import { IntakeRecords } from '../../intake/index.ts';
import { PostRecords } from './records.ts';

export type AttentionKind = 'failed' | 'unknown' | 'missed' | 'overdue';

export interface PostNeedingAttention {
  id: number;
  creator: string;
  problem: AttentionKind;
  state: string;
  plannedAt: number | null;
  target: string;
  lastError: string | null;
  video: string | null;
}

/** The question bound to a store: posts needing attention at `now`, late ones counted after `overdueAfterMs`. */
export function postsNeedingAttention(
  store: Store,
): (now: number, overdueAfterMs: number) => Promise<PostNeedingAttention[]> {
  const posts = new PostRecords(store);
  const intake = new IntakeRecords(store);
  return async (now, overdueAfterMs) => {
    const rows = await posts.needingAttention(now - overdueAfterMs);
    return Promise.all(
      rows.map(async (p) => {
        const file = await intake.file(p.file_id);
        const name = file?.file_name ?? (file?.path ? basename(file.path) : null);
        const problem: AttentionKind =
          p.state === 'failed' || p.state === 'unknown' || p.state === 'missed' ? p.state : 'overdue';
        return {
          id: p.id,
          creator: p.creator,
          problem,
          state: p.state,
          plannedAt: p.planned_at === null ? null : Number(p.planned_at),
          target: p.target,
          lastError: p.last_error,
          video: name,
        };
      }),
    );
  };
}
