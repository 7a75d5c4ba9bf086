// Prometheus metrics (prom-client): process metrics, and jobs by queue and state read from the store at scrape time.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { registerEventLoopLag } from './event-loop-lag.ts';
import type { JobOutcome, Queue, QueueStats } from './queue/index.ts';

const PREFIX = 'centinela_';

export interface Metrics {
  registry: Registry;
  jobFinished(queue: string, outcome: JobOutcome, ms: number): void;
  /** Connects the gauges that are read from the queue at scrape time. */
  watchQueue(queue: Queue): void;
  /** Connects what the log tailer could not read: files cut before it read them to their end, and the bytes known lost. */
  watchTailLoss(loss: () => { losses: number; bytes: number }): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  // prom-client's event-loop figures include its sampling interval (an idle service read 0.5 s): ours replace
  // them, and its own histogram, which cannot be left out, samples once an hour for nothing.
  collectDefaultMetrics({ register: registry, prefix: PREFIX, eventLoopMonitoringPrecision: 3_600_000 });
  registerEventLoopLag(registry, PREFIX);
  const duration = new Histogram({
    name: 'centinela_job_duration_seconds',
    help: 'Time a job attempt took, by queue and outcome',
    labelNames: ['queue', 'outcome'],
    buckets: [0.005, 0.025, 0.1, 0.5, 1, 5, 15, 60, 300, 1800],
    registers: [registry],
  });
  let queue: Queue | null = null;
  // Both queue gauges are collected in one scrape: they share one read of the store instead of two.
  let reading: Promise<QueueStats[]> | null = null;
  const stats = (q: Queue): Promise<QueueStats[]> => {
    reading ??= q.stats().finally(() => setImmediate(() => (reading = null)));
    return reading;
  };
  new Gauge({
    name: 'centinela_jobs',
    help: 'Jobs in the store by queue and state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      if (!queue) return;
      this.reset();
      for (const s of await stats(queue))
        for (const [state, n] of Object.entries(s.counts)) this.set({ queue: s.queue, state }, n);
    },
  });
  new Gauge({
    name: 'centinela_queue_oldest_waiting_seconds',
    help: 'Age of the longest-due waiting job per queue',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      if (!queue) return;
      this.reset();
      for (const s of await stats(queue)) this.set({ queue: s.queue }, s.oldestWaitingSeconds);
    },
  });
  const finished = new Counter({
    name: 'centinela_jobs_finished_total',
    help: 'Job attempts that ended, by queue and outcome',
    labelNames: ['queue', 'outcome'],
    registers: [registry],
  });
  let tailLoss: (() => { losses: number; bytes: number }) | null = null;
  new Counter({
    name: 'centinela_tail_losses_total',
    help: 'Watched log files truncated (or compressed away) before the monitor read them to their end: lines may have been lost (each one is also a WARN)',
    registers: [registry],
    collect() {
      this.reset();
      if (tailLoss) this.inc(tailLoss().losses);
    },
  });
  new Counter({
    name: 'centinela_tail_lost_bytes_total',
    help: 'Bytes the monitor saw in watched logs and could not read before they were cut: a lower bound of what was lost',
    registers: [registry],
    collect() {
      this.reset();
      if (tailLoss) this.inc(tailLoss().bytes);
    },
  });
  return {
    registry,
    jobFinished(q, outcome, ms) {
      duration.observe({ queue: q, outcome }, ms / 1000);
      finished.inc({ queue: q, outcome });
    },
    watchQueue(q) {
      queue = q;
    },
    watchTailLoss(loss) {
      tailLoss = loss;
    },
  };
}
