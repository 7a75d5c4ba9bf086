import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { expect, test } from 'vitest';
import { collectStartUpGarbage } from '../../src/core/start-up-garbage.ts';

test('collects what start-up left behind, without giving the process a global gc', () => {
  // ~40 MB of objects, dropped: garbage a normal run would leave for V8's idle-time collector.
  let garbage: unknown[] | null = Array.from({ length: 400_000 }, (_, i) => ({ i, text: `line ${i}`.repeat(4) }));
  const before = getHeapStatistics().used_heap_size;
  expect(garbage.length).toBe(400_000);
  garbage = null;
  collectStartUpGarbage();
  expect(getHeapStatistics().used_heap_size).toBeLessThan(before - 20 * 2 ** 20);
  expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  // The young generation, grown to 2 × 16 MB by such allocation, is back to its first size.
  const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  expect(young?.space_size).toBeLessThanOrEqual(2 * 2 ** 20);
});
