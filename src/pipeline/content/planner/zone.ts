// Wall-clock times in an IANA zone, with Intl only: the offset at an instant, the instant of a local date and time
// (across daylight-saving changes), and the local date of an instant.

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** What the zone's clocks read at `utcMs`, as if that reading were UTC (so that reading − instant = offset). */
function wallClock(utcMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(utcMs)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  return Date.UTC(year, month - 1, day, hour, minute, second) + (((utcMs % 1000) + 1000) % 1000);
}

/** The zone's offset from UTC at an instant, in ms (Madrid in summer: +2 h). */
export function offsetAt(utcMs: number, timeZone: string): number {
  return wallClock(utcMs, timeZone) - utcMs;
}

/** The local calendar date at an instant. */
export function localDate(utcMs: number, timeZone: string): LocalDate {
  const d = new Date(wallClock(utcMs, timeZone));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** The date `days` after `date` (calendar arithmetic, no zone involved). */
export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function sameDate(a: LocalDate, b: LocalDate): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day;
}

/**
 * The instant the zone's clocks read `date` at `minutes` after midnight. Two readings a daylight-saving change
 * makes odd are resolved as RFC 5545 and Temporal's "compatible" choice do:
 * - a time that does not exist (clocks spring forward over it, 02:30 in Madrid on the last Sunday of March) is
 *   moved forward by the length of the gap (03:30): the post goes out as soon after the chosen time as exists;
 * - a time that happens twice (clocks fall back, 02:30 on the last Sunday of October) is the first of the two,
 *   so a post is never later than the first moment its time is shown.
 */
export function zonedTime(date: LocalDate, minutes: number, timeZone: string): number {
  const wanted = Date.UTC(date.year, date.month - 1, date.day, 0, minutes);
  // Offsets half a day either side: a zone changes at most once in that span.
  const before = offsetAt(wanted - 43_200_000, timeZone);
  const after = offsetAt(wanted + 43_200_000, timeZone);
  const candidates = [wanted - before, wanted - after].sort((a, b) => a - b);
  const valid = candidates.filter((c) => wallClock(c, timeZone) === wanted);
  // Valid: the earliest (one, or the first of an ambiguous pair). None: in the gap; the offset before the change
  // lands the same distance past its end.
  return valid[0] ?? wanted - before;
}
