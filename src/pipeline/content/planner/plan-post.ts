// The next time for one of a creator's posts, from the creator's settings and the creator's posts already planned.
import type { CreatorConfig } from '../../../core/config.ts';
import type { PostRecords } from '../posts/records.ts';
import { nextSlot, takenSince } from './planner.ts';
import type { SlotRules } from './planner.ts';

/** A creator with no settings (a folder not in content.creators) posts as soon as ready, in UTC. */
export function slotRules(creator: CreatorConfig | undefined): SlotRules {
  if (!creator) return { timeZone: 'UTC', slots: [], minGapMs: 0, maxPerDay: 0 };
  return {
    timeZone: creator.timezone,
    slots: creator.slots,
    minGapMs: creator.min_gap,
    maxPerDay: creator.max_per_day,
  };
}

export async function planPost(
  posts: PostRecords,
  folder: string,
  creator: CreatorConfig | undefined,
  readyAt: number,
): Promise<number> {
  const rules = slotRules(creator);
  return nextSlot(rules, readyAt, await posts.plannedTimes(folder, takenSince(rules, readyAt)));
}
