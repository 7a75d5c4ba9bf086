// The next free time for a creator's post: pure, from the creator's rules and the times already taken. Times are
// UTC ms; slots are wall-clock times in the creator's zone, so a slot keeps its local time across a DST change.
import { addDays, localDate, sameDate, zonedTime } from './zone.ts';
import type { LocalDate } from './zone.ts';

export interface SlotRules {
  timeZone: string;
  /** Local times "HH:MM", sorted; empty: as soon as the post is ready. */
  slots: readonly string[];
  /** Least time between two posts of the creator, ms. */
  minGapMs: number;
  /** Posts per local day at most; 0: no limit. */
  maxPerDay: number;
}

/** How far ahead the planner looks before it gives up (a rule set no day can satisfy). */
const HORIZON_DAYS = 400;

/**
 * How far back the taken times must reach for `nextSlot` to see everything that matters from `readyAt` on: the
 * whole local day (for max_per_day) and min_gap.
 */
export function takenSince(rules: SlotRules, readyAt: number): number {
  return readyAt - Math.max(rules.minGapMs, 2 * 86_400_000);
}

function minutesOf(slot: string): number {
  const [h = '0', m = '0'] = slot.split(':');
  return Number(h) * 60 + Number(m);
}

/** The first instant at or after `readyAt` that the creator's rules allow, given the instants already `taken`. */
export function nextSlot(rules: SlotRules, readyAt: number, taken: readonly number[]): number {
  const tooClose = (t: number): number[] => taken.filter((x) => Math.abs(x - t) < rules.minGapMs || x === t);
  const dayFull = (t: number): boolean => {
    if (rules.maxPerDay <= 0) return false;
    const day = localDate(t, rules.timeZone);
    return taken.filter((x) => sameDate(localDate(x, rules.timeZone), day)).length >= rules.maxPerDay;
  };
  return rules.slots.length > 0 ? nextInSlots(rules, readyAt, tooClose, dayFull) : nextAsap(rules, readyAt, dayFull);

  function nextAsap(r: SlotRules, from: number, full: (t: number) => boolean): number {
    let at = from;
    for (let i = 0; i < HORIZON_DAYS * 24; i++) {
      if (full(at)) {
        at = zonedTime(addDays(localDate(at, r.timeZone), 1), 0, r.timeZone);
        continue;
      }
      // As soon as ready, several at one time allowed when there is no gap to keep.
      const close = r.minGapMs > 0 ? taken.filter((x) => Math.abs(x - at) < r.minGapMs) : [];
      if (close.length === 0) return at;
      at = Math.max(...close) + r.minGapMs;
    }
    throw new Error(`no time within ${HORIZON_DAYS} days satisfies the creator's max_per_day and min_gap`);
  }
}

function nextInSlots(
  rules: SlotRules,
  readyAt: number,
  tooClose: (t: number) => number[],
  dayFull: (t: number) => boolean,
): number {
  const minutes = rules.slots.map(minutesOf);
  const first: LocalDate = localDate(readyAt, rules.timeZone);
  for (let d = 0; d < HORIZON_DAYS; d++) {
    const date = addDays(first, d);
    for (const m of minutes) {
      const at = zonedTime(date, m, rules.timeZone);
      if (at < readyAt || tooClose(at).length > 0 || dayFull(at)) continue;
      return at;
    }
  }
  throw new Error(`no slot within ${HORIZON_DAYS} days satisfies the creator's max_per_day and min_gap`);
}
