// Event-loop lag for /metrics, true to the millisecond. perf_hooks' delay monitor records the time between two
// ticks of its timer, the timer's own interval included: prom-client reported that raw, so an idle service read
// 0.5 s at its 500 ms sampling. Here the interval is taken off, and the timer ticks every 20 ms, native code only:
// about 0.2 % of a core on an idle service (a JavaScript timer cost twice that). A scrape reads the histogram and
// clears it; the clear forgets the tick it falls in, so a block that begins within 20 ms after a scrape is missed.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { IntervalHistogram } from 'node:perf_hooks';
import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';

export const LAG_RESOLUTION_MS = 20;

const STATS = {
  min: 'The least event-loop delay since the last scrape',
  max: 'The largest event-loop delay since the last scrape',
  mean: 'The mean event-loop delay since the last scrape',
  stddev: 'The standard deviation of the event-loop delays since the last scrape',
  p50: 'The median event-loop delay since the last scrape',
  p90: 'The 90th percentile of the event-loop delays since the last scrape',
  p99: 'The 99th percentile of the event-loop delays since the last scrape',
} as const;

let shared: IntervalHistogram | null = null;

/** The process's one monitor (tests build many registries in one process). */
function sampler(): IntervalHistogram {
  if (shared) return shared;
  const histogram = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  histogram.enable();
  shared = histogram;
  return histogram;
}

/**
 * Registers `<prefix>nodejs_eventloop_lag_{min,max,mean,stddev,p50,p90,p99}_seconds` in place of prom-client's
 * (which must already be registered, by collectDefaultMetrics, and are removed first).
 */
export function registerEventLoopLag(registry: Registry, prefix: string): void {
  const histogram = sampler();
  // Nothing recorded yet (min is then a huge sentinel) reads as no lag.
  const lag = (ns: number): number => (histogram.count === 0 ? 0 : Math.max(0, ns - LAG_RESOLUTION_MS * 1e6) / 1e9);
  const read: Record<keyof typeof STATS, () => number> = {
    min: () => lag(histogram.min),
    max: () => lag(histogram.max),
    mean: () => lag(histogram.mean),
    stddev: () => (histogram.count === 0 ? 0 : histogram.stddev / 1e9),
    p50: () => lag(histogram.percentile(50)),
    p90: () => lag(histogram.percentile(90)),
    p99: () => lag(histogram.percentile(99)),
  };
  const gauges = new Map<keyof typeof STATS, Gauge>();
  for (const [stat, help] of Object.entries(STATS) as Array<[keyof typeof STATS, string]>) {
    const name = `${prefix}nodejs_eventloop_lag_${stat}_seconds`;
    registry.removeSingleMetric(name);
    // As in prom-client, the first gauge's collect sets every figure at once, then starts a new window: a scrape
    // collects the metrics in the order they were registered.
    const collect =
      gauges.size > 0
        ? undefined
        : (): void => {
            for (const [s, gauge] of gauges) gauge.set(read[s]());
            histogram.reset();
          };
    gauges.set(stat, new Gauge({ name, help, registers: [registry], collect }));
  }
}
