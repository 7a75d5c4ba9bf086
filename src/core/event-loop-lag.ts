// Event-loop lag for /metrics, true to the millisecond. perf_hooks' delay monitor records the time between two
// ticks of its timer, the timer's own interval included: prom-client reports that raw, so an idle service read
// 0.5 s at its 500 ms sampling. Its reset() also forgets the tick it falls in, so a block that begins right after
// a scrape went unseen. Here a 20 ms unref'd timer records how late each tick is (its interval taken off) into a
// histogram that a scrape reads and clears: no blind spot, and 50 short wake-ups a second cost no visible CPU.
import { createHistogram } from 'node:perf_hooks';
import type { RecordableHistogram } from 'node:perf_hooks';
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

let shared: RecordableHistogram | null = null;

/** The process's one sampler (tests build many registries in one process; each tick is recorded once). */
function sampler(): RecordableHistogram {
  if (shared) return shared;
  const histogram = createHistogram();
  const resolutionNs = BigInt(LAG_RESOLUTION_MS * 1e6);
  let last = process.hrtime.bigint();
  setInterval(() => {
    const now = process.hrtime.bigint();
    // A histogram records whole numbers from 1 ns up: a tick on time is 1 ns late.
    histogram.record(now - last > resolutionNs ? now - last - resolutionNs : 1n);
    last = now;
  }, LAG_RESOLUTION_MS).unref();
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
  const lag = (ns: number): number => (histogram.count === 0 ? 0 : ns / 1e9);
  const read: Record<keyof typeof STATS, () => number> = {
    min: () => lag(histogram.min),
    max: () => lag(histogram.max),
    mean: () => lag(histogram.mean),
    stddev: () => lag(histogram.stddev),
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
    const collect = gauges.size > 0 ? undefined : (): void => {
      for (const [s, gauge] of gauges) gauge.set(read[s]());
      histogram.reset();
    };
    gauges.set(stat, new Gauge({ name, help, registers: [registry], collect }));
  }
}
