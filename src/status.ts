// The status summary shared by GET /status, `centinela status` and (later) the bot's /status.
import { formatBytes, formatSeconds } from './core/format.ts';
import { freeSpaceAt } from './core/free-space.ts';
import { HEARTBEAT_INTERVAL_MS, readHeartbeats } from './core/heartbeat.ts';
import type { ProcessBeat } from './core/heartbeat.ts';
import type { ModuleStatus } from './core/module.ts';
import { JobRecords } from './core/queue/index.ts';
import type { QueueStats } from './core/queue/index.ts';
import type { Store } from './core/store/index.ts';
import { batchesInProgress, formatCost, tokenCost } from './pipeline/invoices/index.ts';
import type { Cost, Prices } from './pipeline/invoices/index.ts';
import { Maintenance, ProbeState, repairRunsSince, utcDayStart } from './monitor/index.ts';
import { VERSION } from './version.ts';

/** How long a process that stopped beating without saying so is still listed (as gone). */
export const PROCESS_GONE_AFTER_MS = 10 * 60_000;

export interface StatusReport {
  version: string;
  running: boolean;
  pid: number | null;
  uptime_seconds: number | null;
  store: { kind: string; location: string; ok: boolean; error?: string };
  modules: Array<{ name: string } & ModuleStatus>;
  queues: QueueStats[];
  disk: Array<{ path: string; free_bytes: number; total_bytes: number }>;
  processes: Array<ProcessBeat & { stale: boolean }>;
  /** Batches with files still to process (newest first): done of total, pace and time left. */
  batches?: BatchStatus[];
  /** The latest jobs that failed for good, newest first: what an admin looks at first. */
  recent_errors: Array<{ job_id: number; queue: string; state: string; error: string | null; at: number | null }>;
  log: { file: string | null; problem: string | null };
  /** The monitor's pipeline probes as last measured (kept in the store): value, unit and age of the newest item. */
  probes?: ProbeStatus[];
  /** Containers and probes whose repairs and alerts are paused, until when. */
  maintenance?: Array<{ target: string; until: number; by: string; reason: string }>;
  /** Targets the monitor repaired today (UTC), most first: quiet repairs that keep coming point at a sick service. */
  repaired_today?: Array<{ target: string; repairs: number }>;
}

export interface ProbeStatus {
  name: string;
  stage: string;
  /** A count (of `unit`), or null for a timestamp probe or when it could not measure. */
  value: number | null;
  unit: string;
  /** Time since something new was last seen (or since first measured, when nothing was); null before the first run. */
  age_seconds: number | null;
  checked_at: number;
  error: string | null;
}

export interface BatchStatus {
  batch_id: string;
  source: string;
  total: number;
  done: number;
  /** Files finished per minute lately; null until one has. */
  rate_per_minute: number | null;
  /** Seconds left at that pace; null when unknown. */
  eta_seconds: number | null;
  started_at: number;
  /** Model tokens used so far, and their price when the status knows the prices (StatusSources.prices). */
  input_tokens: number;
  output_tokens: number;
  cost?: Cost;
}

export interface StatusSources {
  store: Store;
  queueStats(): Promise<QueueStats[]>;
  modules: Array<{ name: string; status(): ModuleStatus }>;
  startedAt: number | null;
  diskPaths: string[];
  log: { file: string | null; problem: string | null };
  /** invoices.price_per_million_tokens and price_currency: batches in progress then show their cost so far. */
  prices?: Prices;
}

export async function buildStatus(s: StatusSources): Promise<StatusReport> {
  const report: StatusReport = {
    version: VERSION,
    running: s.startedAt !== null,
    pid: s.startedAt !== null ? process.pid : null,
    uptime_seconds: s.startedAt !== null ? Math.round((Date.now() - s.startedAt) / 1000) : null,
    store: { kind: s.store.kind, location: s.store.location, ok: true },
    modules: s.modules.map((m) => ({ name: m.name, ...m.status() })),
    queues: [],
    disk: await diskUsage(s.diskPaths),
    processes: [],
    batches: [],
    recent_errors: [],
    log: s.log,
  };
  try {
    report.queues = await s.queueStats();
    const failed = await new JobRecords(s.store).recentFailures(5);
    report.recent_errors = failed.map((j) => ({ job_id: j.id, queue: j.queue, state: j.state, error: j.lastError, at: j.finishedAt }));
    const now = Date.now();
    report.batches = (await batchesInProgress(s.store, now)).map((b) => ({
      batch_id: b.batch.id,
      source: b.batch.source,
      total: b.total,
      done: b.done,
      rate_per_minute: b.ratePerMinute === null ? null : Math.round(b.ratePerMinute * 10) / 10,
      eta_seconds: b.etaSeconds,
      started_at: b.batch.created_at,
      input_tokens: b.tokens.input,
      output_tokens: b.tokens.output,
      ...(s.prices ? { cost: tokenCost(b.tokens, s.prices) } : {}),
    }));
    report.probes = (await new ProbeState(s.store).all()).map((p) => ({
      name: p.name,
      stage: p.stage,
      value: p.count,
      unit: p.unit,
      age_seconds: p.checkedAt > 0 ? Math.max(0, Math.round((now - (p.newestAt ?? p.since)) / 1000)) : null,
      checked_at: p.checkedAt,
      error: p.error,
    }));
    report.repaired_today = await repairRunsSince(s.store, utcDayStart(now));
    report.maintenance = (await new Maintenance(s.store).active()).map((w) => ({ target: w.target, until: w.until, by: w.by, reason: w.reason }));
    // A process silent for PROCESS_GONE_AFTER_MS was reported gone long enough: it leaves the list.
    report.processes = (await readHeartbeats(s.store))
      .filter((b) => b.state === 'stopped' || now - b.beatAt <= PROCESS_GONE_AFTER_MS)
      .map((b) => ({ ...b, stale: b.state !== 'stopped' && now - b.beatAt > Math.max(30_000, 3 * HEARTBEAT_INTERVAL_MS) }));
  } catch (err) {
    report.store.ok = false;
    report.store.error = (err as Error).message;
  }
  return report;
}

async function diskUsage(paths: string[]): Promise<StatusReport['disk']> {
  const out: StatusReport['disk'] = [];
  for (const path of paths) {
    try {
      const { free, size } = await freeSpaceAt(path);
      out.push({ path, free_bytes: free, total_bytes: size });
    } catch {
      // a folder not created yet has no disk to report
    }
  }
  return out;
}

/** The report as a few readable lines (terminal, phone); `prices` price the batches' tokens if the report did not. */
export function formatStatus(r: StatusReport, options: { prices?: Prices } = {}): string {
  const lines: string[] = [];
  lines.push(
    r.running
      ? `centinela ${r.version}: running (pid ${r.pid}, up ${formatSeconds(r.uptime_seconds ?? 0)})`
      : `centinela ${r.version}: the service is DOWN (read from the store)`,
  );
  lines.push(`store: ${r.store.kind} ${r.store.location} ${r.store.ok ? 'ok' : `UNREACHABLE: ${r.store.error}`}`);
  for (const m of r.modules) lines.push(`module ${m.name}: ${m.state}${m.detail ? ` (${m.detail})` : ''}`);
  for (const p of r.processes.filter((p) => p.state !== 'stopped')) {
    if (r.running && p.pid === r.pid) continue;
    const ago = formatSeconds(Math.round((Date.now() - p.beatAt) / 1000));
    lines.push(
      p.stale
        ? `process ${p.module} on ${p.host} pid ${p.pid}: GONE, no heartbeat for ${ago} (crashed, killed or hung); no longer listed after ${formatSeconds(PROCESS_GONE_AFTER_MS / 1000)}`
        : `process ${p.module} on ${p.host} pid ${p.pid}: ${p.state}, last beat ${ago} ago`,
    );
  }
  if (r.queues.length === 0) lines.push('queues: no jobs yet');
  for (const q of r.queues) {
    const counts = Object.entries(q.counts).map(([state, n]) => `${state} ${n}`).join(', ') || 'empty';
    lines.push(`queue ${q.queue}: ${counts}${q.oldestWaitingSeconds > 0 ? `; oldest waiting ${formatSeconds(q.oldestWaitingSeconds)}` : ''}`);
  }
  for (const b of r.batches ?? []) lines.push(formatBatchStatus(b, options.prices));
  for (const p of r.probes ?? []) lines.push(formatProbeStatus(p));
  for (const m of r.maintenance ?? []) {
    const left = formatSeconds(Math.max(0, Math.round((m.until - Date.now()) / 1000)));
    lines.push(`maintenance ${m.target}: repairs and alerts paused until ${new Date(m.until).toISOString().slice(0, 16).replace('T', ' ')} UTC (${left} left), by ${m.by}${m.reason ? `: ${m.reason}` : ''}`);
  }
  if ((r.repaired_today ?? []).length > 0) {
    lines.push(`repaired today: ${(r.repaired_today ?? []).map((t) => `${t.target} ×${t.repairs}`).join(', ')}`);
  }
  for (const d of r.disk) lines.push(`disk ${d.path}: ${formatBytes(d.free_bytes)} free of ${formatBytes(d.total_bytes)}`);
  for (const e of r.recent_errors) {
    const ago = e.at ? ` ${formatSeconds(Math.round((Date.now() - e.at) / 1000))} ago` : '';
    lines.push(`error: job ${e.job_id} (${e.queue}) ${e.state}${ago}: ${(e.error ?? '').split('\n')[0]?.slice(0, 200)}`);
  }
  if (r.log.problem) lines.push(`log: ${r.log.problem}`);
  return lines.join('\n');
}

/** "probe loaded (loaded): 8116 rows, newest 2h ago" */
function formatProbeStatus(p: ProbeStatus): string {
  const name = p.stage && p.stage !== p.name ? `${p.name} (${p.stage})` : p.name;
  if (p.error) return `probe ${name}: cannot measure: ${p.error}`;
  const value = p.value === null ? '' : `${p.value} ${p.unit}, `;
  const age = p.age_seconds === null ? 'not measured yet' : `newest ${formatSeconds(p.age_seconds)} ago`;
  return `probe ${name}: ${value}${age}`;
}

/** "batch b_1a2b3c4d (http): 120/200 done, 45/min, about 2m left; 0.0123 USD so far" */
function formatBatchStatus(b: BatchStatus, prices?: Prices): string {
  const pace = b.rate_per_minute === null ? 'nothing finished yet' : `${b.rate_per_minute}/min`;
  const eta = b.eta_seconds === null ? '' : `, about ${formatSeconds(b.eta_seconds)} left`;
  const tokens = { input: b.input_tokens ?? 0, output: b.output_tokens ?? 0 };
  const cost = b.cost ?? (prices ? tokenCost(tokens, prices) : null);
  let spent = '';
  if (tokens.input + tokens.output > 0) spent = cost ? `; ${formatCost(cost)} so far` : `; ${tokens.input + tokens.output} tokens so far`;
  return `batch ${b.batch_id} (${b.source}): ${b.done}/${b.total} done, ${pace}${eta}${spent}`;
}
