// The per-chat pace: each send reserves the chat's next moment; a moment further than the caller will wait is not
// reserved, so a job can go back to the queue (lease released) and come back when the chat is free.
import { describe, expect, it } from 'vitest';
import { ChatPacer } from '../../../src/pipeline/content/index.ts';

describe('ChatPacer', () => {
  it('spaces one chat, leaves another alone, and does not reserve beyond the wait allowed', () => {
    let now = 0;
    const pacer = new ChatPacer(3000, () => now);
    expect([pacer.reserve('a'), pacer.reserve('a'), pacer.reserve('a'), pacer.reserve('b')]).toEqual([
      0, 3000, 6000, 0,
    ]);
    expect(pacer.reserve('a', 5000)).toBeNull();
    expect(pacer.freeIn('a')).toBe(9000);
    now = 5000;
    expect(pacer.reserve('a', 5000)).toBe(4000);
    pacer.holdUntil('b', 60_000);
    expect(pacer.freeIn('b')).toBe(55_000);
  });

  it('keeps the calls an interval apart when the work between a moment and its call takes longer for one', () => {
    let now = 0;
    const pacer = new ChatPacer(150, () => now);
    expect([pacer.reserve('a'), pacer.reserve('a')]).toEqual([0, 150]);
    // The first send's store write took 400 ms, the second's 10 ms: its call may not follow the first at once.
    now = 400;
    expect(pacer.callIn('a')).toBe(0);
    now = 410;
    expect(pacer.callIn('b')).toBe(0); // another chat is not held up
    expect(pacer.callIn('a')).toBe(140);
    now = 549;
    expect(pacer.callIn('a')).toBe(1);
    now = 550;
    expect(pacer.callIn('a')).toBe(0);
    // The moments reserved from now on follow the late calls, not the first reservations.
    expect(pacer.reserve('a')).toBe(150);
  });

  it('100 posts due at once to one channel take 99 intervals, the least the limit allows', () => {
    const pacer = new ChatPacer(3000, () => 0);
    const waits = Array.from({ length: 100 }, () => pacer.reserve('chan') ?? -1);
    expect(Math.max(...waits)).toBe(99 * 3000);
    expect(new Set(waits).size).toBe(100);
  });
});
