// The planner: slots are the creator's wall-clock times, so they keep their local time across daylight-saving
// changes; a time that does not exist moves past the gap, one that happens twice is its first; min_gap and
// max_per_day are kept; empty slots mean as soon as ready.
import { describe, expect, it } from 'vitest';
import { nextSlot, offsetAt, zonedTime } from '../../../src/pipeline/content/index.ts';
import type { SlotRules } from '../../../src/pipeline/content/index.ts';

const H = 3_600_000;
const utc = (iso: string): number => Date.parse(iso);
const rules = (over: Partial<SlotRules>): SlotRules => ({
  timeZone: 'UTC',
  slots: [],
  minGapMs: 0,
  maxPerDay: 0,
  ...over,
});

/** Plans `n` posts one after the other, each ready at `readyAt`, as the pipeline does. */
function planMany(r: SlotRules, readyAt: number, n: number): string[] {
  const taken: number[] = [];
  for (let i = 0; i < n; i++) taken.push(nextSlot(r, readyAt, taken));
  return taken.map((t) => new Date(t).toISOString());
}

describe('zonedTime', () => {
  it('America/Mexico_City before 2022 changed its clocks: 10:00 is 16:00 UTC in winter, 15:00 UTC in summer', () => {
    const at = (y: number, m: number, d: number) =>
      zonedTime({ year: y, month: m, day: d }, 600, 'America/Mexico_City');
    expect(new Date(at(2021, 4, 3)).toISOString()).toBe('2021-04-03T16:00:00.000Z');
    expect(new Date(at(2021, 4, 4)).toISOString()).toBe('2021-04-04T15:00:00.000Z');
    expect(new Date(at(2021, 10, 31)).toISOString()).toBe('2021-10-31T16:00:00.000Z');
    // Since the 2022 law, no more changes: the first Sunday of April 2023 is still -06:00.
    expect(new Date(at(2023, 4, 2)).toISOString()).toBe('2023-04-02T16:00:00.000Z');
  });

  it('Europe/Madrid: 02:30 on the spring-forward night does not exist and becomes 03:30 CEST', () => {
    expect(new Date(zonedTime({ year: 2026, month: 3, day: 29 }, 150, 'Europe/Madrid')).toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
  });

  it('Europe/Madrid: 02:30 on the fall-back night happens twice and is the first one (CEST)', () => {
    const at = zonedTime({ year: 2026, month: 10, day: 25 }, 150, 'Europe/Madrid');
    expect(new Date(at).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(offsetAt(at, 'Europe/Madrid')).toBe(2 * H);
  });
});

describe('nextSlot', () => {
  it('takes the next slot after the post is ready, in the creator zone', () => {
    const r = rules({ timeZone: 'America/New_York', slots: ['10:00', '14:00', '19:00'] });
    // 11:00 in New York (EST, -05:00): the 14:00 slot.
    expect(new Date(nextSlot(r, utc('2026-01-10T16:00:00Z'), [])).toISOString()).toBe('2026-01-10T19:00:00.000Z');
    // After 19:00: tomorrow's 10:00.
    expect(new Date(nextSlot(r, utc('2026-01-11T00:30:00Z'), [])).toISOString()).toBe('2026-01-11T15:00:00.000Z');
  });

  it('a daily slot across the New York spring change stays at 10:00 local (15:00 UTC, then 14:00 UTC)', () => {
    const r = rules({ timeZone: 'America/New_York', slots: ['10:00'] });
    expect(planMany(r, utc('2026-03-06T20:00:00Z'), 3)).toEqual([
      '2026-03-07T15:00:00.000Z',
      '2026-03-08T14:00:00.000Z',
      '2026-03-09T14:00:00.000Z',
    ]);
  });

  it("a daily slot across Mexico City's last change (October 2022) stays at 10:00 local", () => {
    const r = rules({ timeZone: 'America/Mexico_City', slots: ['10:00'] });
    expect(planMany(r, utc('2022-10-29T00:00:00Z'), 3)).toEqual([
      '2022-10-29T15:00:00.000Z',
      '2022-10-30T16:00:00.000Z',
      '2022-10-31T16:00:00.000Z',
    ]);
  });

  it("a daily slot across Mexico City's April 2021 change (it still had DST then) stays at 19:00 local", () => {
    const r = rules({ timeZone: 'America/Mexico_City', slots: ['19:00'] });
    expect(planMany(r, utc('2021-04-03T12:00:00Z'), 3)).toEqual([
      '2021-04-04T01:00:00.000Z', // 19:00 CST (-06:00), the evening before the change
      '2021-04-05T00:00:00.000Z', // 19:00 CDT (-05:00)
      '2021-04-06T00:00:00.000Z',
    ]);
  });

  it('across the New York fall-back: 10:00 stays 10:00 local; 01:30, which happens twice, goes out once, the first', () => {
    const r = rules({ timeZone: 'America/New_York', slots: ['01:30', '10:00'] });
    expect(planMany(r, utc('2026-10-31T12:00:00Z'), 4)).toEqual([
      '2026-10-31T14:00:00.000Z', // 10:00 EDT (-04:00)
      '2026-11-01T05:30:00.000Z', // the first 01:30 (EDT); the second (EST, 06:30 UTC) is not taken
      '2026-11-01T15:00:00.000Z', // 10:00 EST (-05:00)
      '2026-11-02T06:30:00.000Z', // 01:30 EST
    ]);
  });

  it('a slot in the spring-forward gap goes out just after it; the fall-back slot once, at its first time', () => {
    const spring = rules({ timeZone: 'Europe/Madrid', slots: ['02:30'] });
    expect(planMany(spring, utc('2026-03-28T12:00:00Z'), 2)).toEqual([
      '2026-03-29T01:30:00.000Z', // 03:30 CEST: 02:30 did not exist
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
    ]);
    const autumn = rules({ timeZone: 'Europe/Madrid', slots: ['02:30'] });
    expect(planMany(autumn, utc('2026-10-24T12:00:00Z'), 2)).toEqual([
      '2026-10-25T00:30:00.000Z', // the first 02:30 (CEST)
      '2026-10-26T01:30:00.000Z', // 02:30 CET
    ]);
  });

  it('keeps max_per_day (a local day) and min_gap between slots', () => {
    const r = rules({
      timeZone: 'Europe/Madrid',
      slots: ['10:00', '11:00', '14:00', '19:00'],
      maxPerDay: 2,
      minGapMs: 2 * H,
    });
    expect(planMany(r, utc('2026-01-10T06:00:00Z'), 4)).toEqual([
      '2026-01-10T09:00:00.000Z', // 10:00 CET
      '2026-01-10T13:00:00.000Z', // 14:00 (11:00 is within 2 h)
      '2026-01-11T09:00:00.000Z', // the day is full: tomorrow 10:00
      '2026-01-11T13:00:00.000Z',
    ]);
  });

  it('without slots: as soon as ready, kept apart by min_gap, and on the next local day once the day is full', () => {
    const asap = rules({ timeZone: 'America/Mexico_City' });
    expect(nextSlot(asap, 1000, [1000, 500])).toBe(1000);
    const r = rules({ timeZone: 'America/Mexico_City', minGapMs: H, maxPerDay: 3 });
    // 20:00 in Mexico City (-06:00).
    expect(planMany(r, utc('2026-01-11T02:00:00Z'), 4)).toEqual([
      '2026-01-11T02:00:00.000Z',
      '2026-01-11T03:00:00.000Z',
      '2026-01-11T04:00:00.000Z',
      '2026-01-11T06:00:00.000Z', // local midnight of the next day
    ]);
  });

  it('a rule set no day can satisfy is an error, not an endless search', () => {
    const r = rules({ slots: ['10:00', '10:30'], minGapMs: 2 * H, maxPerDay: 1 });
    const taken = Array.from({ length: 401 }, (_, i) => utc('2026-01-01T10:00:00Z') + i * 86_400_000);
    expect(() => nextSlot(r, utc('2026-01-01T00:00:00Z'), taken)).toThrow(/no slot within 400 days/);
  });
});
