// /metrics' event-loop lag is the lag: near zero on an idle process (it read 0.5 s, the sampling interval, before),
// and the length of a block when the loop was blocked.
import { describe, expect, test } from 'vitest';
import { createMetrics } from '../../src/core/metrics.ts';
import type { Metrics } from '../../src/core/metrics.ts';

/** One scrape, as Prometheus makes it: the lag figures from the text of /metrics. */
async function scrape(metrics: Metrics): Promise<Record<string, number>> {
  const text = await metrics.registry.metrics();
  const figures: Record<string, number> = {};
  for (const m of text.matchAll(/^centinela_nodejs_eventloop_lag_(\w+)_seconds (\S+)$/gm))
    figures[m[1] as string] = Number(m[2]);
  return figures;
}

/** Scrapes every 100 ms until a window has samples (a sane min), and returns that scrape's figures. */
async function scrapeWithSamples(metrics: Metrics): Promise<Record<string, number>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    await new Promise((r) => setTimeout(r, 100));
    const figures = await scrape(metrics);
    if (Number.isFinite(figures.mean) && (figures.min ?? Infinity) < 60) return figures;
    if (Date.now() > deadline) throw new Error(`no event-loop samples within 10 s: ${JSON.stringify(figures)}`);
  }
}

describe('event-loop lag metrics', () => {
  test('read near zero while idle and the length of a block after one', async () => {
    const metrics = createMetrics();
    // Idle: let the sampling timer tick for a while, then read.
    await new Promise((r) => setTimeout(r, 1200));
    const idle = await scrapeWithSamples(metrics);
    expect(idle.p50, JSON.stringify(idle)).toBeLessThan(0.1);
    expect(idle.mean, JSON.stringify(idle)).toBeLessThan(0.1);

    await scrape(metrics); // a new window
    // The clear at a scrape forgets the 20 ms tick it falls in: block after the next tick, as a scrape loop would.
    await new Promise((r) => setTimeout(r, 100));
    const until = Date.now() + 300;
    while (Date.now() < until); // block the loop for 300 ms
    const blocked = await scrapeWithSamples(metrics);
    expect(blocked.max, JSON.stringify(blocked)).toBeGreaterThan(0.25);
    expect(blocked.max, JSON.stringify(blocked)).toBeLessThan(2);
  });
});
