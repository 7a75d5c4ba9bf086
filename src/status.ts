// The status summary shared by GET /status, `centinela status` and the bot's /status.
import { formatBytes, formatSeconds } from './core/format.ts';
import { freeSpaceAt } from './core/free-space.ts';
import { HEARTBEAT_INTERVAL_MS, readHeartbeats } from './core/heartbeat.ts';
import type { ProcessBeat } from './core/heartbeat.ts';
import { hostName } from './core/host.ts';
import { readLeases } from './core/lease.ts';
import type { LeaseRecord } from './core/lease.ts';
import type { ModuleStatus } from './core/module.ts';
import { JobRecords } from './core/queue/index.ts';
import type { QueueStats } from './core/queue/index.ts';
import type { Store } from './core/store/index.ts';
import { batchesInProgress, formatCost, tokenCost } from './pipeline/invoices/index.ts';
import { lastDriveRun } from './pipeline/sources/index.ts';
import type { LastDriveRun } from './pipeline/sources/index.ts';
import type { Cost, Prices } from './pipeline/invoices/index.ts';
import { Maintenance, ProbeState, repairRunsSince, utcDayStart } from './monitor/index.ts';
import { VERSION } from './version.ts';
import { english } from './locales/index.ts';
import type { Say } from './core/messages.ts';

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
  /** The host name this process gives itself (CENTINELA_HOST_NAME, else the machine's). */
  host?: string;
  /** Every process of the store (its modules' heartbeats together): where it runs, its roles, its leases. */
  instances?: ProcessInstance[];
  /** Roles one process holds at a time (telegram.polling): who holds each now. */
  leases?: Array<{ name: string; host: string; pid: number; holder: string; since: number; expires_at: number }>;
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
  /** The last Google Drive sync run (`centinela sync`, the schedule or /sync): when, how long, what it took. */
  drive?: LastDriveRun | null;
}

export interface ProcessInstance {
  /** The worker id: host:pid:nonce. */
  id: string;
  host: string;
  pid: number;
  /** Its modules (bot, invoices, …). */
  roles: string[];
  /** running, or the first module state that is not. */
  state: string;
  started_at: number;
  beat_at: number;
  stale: boolean;
  /** The leases it holds (telegram.polling). */
  holds: string[];
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
    host: hostName(),
    instances: [],
    leases: [],
    batches: [],
    recent_errors: [],
    log: s.log,
  };
  try {
    report.queues = await s.queueStats();
    const failed = await new JobRecords(s.store).recentFailures(5);
    report.recent_errors = failed.map((j) => ({
      job_id: j.id,
      queue: j.queue,
      state: j.state,
      error: j.lastError,
      at: j.finishedAt,
    }));
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
    report.drive = await lastDriveRun(s.store);
    report.maintenance = (await new Maintenance(s.store).active()).map((w) => ({
      target: w.target,
      until: w.until,
      by: w.by,
      reason: w.reason,
    }));
    // A process silent for PROCESS_GONE_AFTER_MS was reported gone long enough: it leaves the list.
    report.processes = (await readHeartbeats(s.store))
      .filter((b) => b.state === 'stopped' || now - b.beatAt <= PROCESS_GONE_AFTER_MS)
      .map((b) => ({
        ...b,
        stale: b.state !== 'stopped' && now - b.beatAt > Math.max(30_000, 3 * HEARTBEAT_INTERVAL_MS),
      }));
    const leases = await readLeases(s.store, now);
    report.leases = leases.map((l) => ({
      name: l.name,
      host: l.host,
      pid: l.pid,
      holder: l.holder,
      since: l.acquiredAt,
      expires_at: l.expiresAt,
    }));
    report.instances = groupInstances(report.processes, leases);
  } catch (err) {
    report.store.ok = false;
    report.store.error = (err as Error).message;
  }
  return report;
}

/** Heartbeat rows (one per module) as processes: the row id is `<worker id>:<module>`. */
function groupInstances(beats: Array<ProcessBeat & { stale: boolean }>, leases: LeaseRecord[]): ProcessInstance[] {
  const byId = new Map<string, ProcessInstance>();
  for (const b of beats) {
    if (b.state === 'stopped') continue;
    const id = b.id.endsWith(`:${b.module}`) ? b.id.slice(0, -b.module.length - 1) : b.id;
    let p = byId.get(id);
    if (!p) {
      p = {
        id,
        host: b.host,
        pid: b.pid,
        roles: [],
        state: 'running',
        started_at: b.startedAt,
        beat_at: b.beatAt,
        stale: b.stale,
        holds: leases.filter((l) => l.holder === id).map((l) => l.name),
      };
      byId.set(id, p);
    }
    p.roles.push(b.module);
    if (p.state === 'running' && b.state !== 'running') p.state = b.state;
    p.beat_at = Math.max(p.beat_at, b.beatAt);
    p.stale &&= b.stale;
  }
  return [...byId.values()].sort((a, b) => a.host.localeCompare(b.host) || a.pid - b.pid);
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

/**
 * The report as a few readable lines (terminal, phone), in the language of `say` (English by default); `prices`
 * price the batches' tokens if the report did not. Names (modules, queues, paths) and errors stay as they are.
 */
export function formatStatus(r: StatusReport, options: { prices?: Prices; say?: Say } = {}): string {
  const say = options.say ?? english; // the CLI's; the bot passes its reader's language
  const ago = (ms: number): string => formatSeconds(Math.round(ms / 1000));
  const lines: string[] = [];
  lines.push(
    r.running
      ? say('status-running', { version: r.version, pid: String(r.pid), uptime: formatSeconds(r.uptime_seconds ?? 0) })
      : say('status-down', { version: r.version }),
  );
  const store = { kind: r.store.kind, location: r.store.location };
  lines.push(
    r.store.ok ? say('status-store', store) : say('status-store-down', { ...store, error: r.store.error ?? '' }),
  );
  for (const m of r.modules)
    lines.push(
      m.detail
        ? say('status-module-detail', { name: m.name, state: m.state, detail: m.detail })
        : say('status-module', { name: m.name, state: m.state }),
    );
  // One line a process (a report of an older version has no instances: one a module row, as it gave them).
  const instances: ProcessInstance[] =
    r.instances ??
    r.processes
      .filter((p) => p.state !== 'stopped')
      .map((p) => ({ ...p, id: p.id, roles: [p.module], started_at: p.startedAt, beat_at: p.beatAt, holds: [] }));
  for (const p of instances) {
    if (r.running && p.pid === r.pid && (r.host === undefined || p.host === r.host)) continue;
    const who = { module: p.roles.join(', '), host: p.host, pid: String(p.pid), ago: ago(Date.now() - p.beat_at) };
    let line = p.stale
      ? say('status-process-gone', { ...who, listed: formatSeconds(PROCESS_GONE_AFTER_MS / 1000) })
      : say('status-process', { ...who, state: p.state });
    if (!p.stale) line += say('status-process-started', { ago: ago(Date.now() - p.started_at) });
    for (const name of p.holds) line += say('status-process-holds', { lease: name });
    lines.push(line);
  }
  for (const l of r.leases ?? []) {
    const self = r.running && l.pid === r.pid && (r.host === undefined || l.host === r.host);
    lines.push(
      say(self ? 'status-lease-self' : 'status-lease', {
        lease: l.name,
        host: l.host,
        pid: String(l.pid),
        ago: ago(Date.now() - l.since),
      }),
    );
  }
  if (r.queues.length === 0) lines.push(say('status-no-queues'));
  for (const q of r.queues) {
    const counts =
      Object.entries(q.counts)
        .map(([state, n]) => say('status-job-count', { state, count: String(n) }))
        .join(', ') || say('status-queue-empty');
    lines.push(
      q.oldestWaitingSeconds > 0
        ? say('status-queue-oldest', { queue: q.queue, counts, age: formatSeconds(q.oldestWaitingSeconds) })
        : say('status-queue', { queue: q.queue, counts }),
    );
  }
  for (const b of r.batches ?? []) lines.push(formatBatchStatus(b, say, options.prices));
  for (const p of r.probes ?? []) lines.push(formatProbeStatus(p, say));
  for (const m of r.maintenance ?? []) {
    const vars = {
      target: m.target,
      until: new Date(m.until).toISOString().slice(0, 16).replace('T', ' '),
      left: ago(Math.max(0, m.until - Date.now())),
      by: m.by,
    };
    lines.push(
      m.reason ? say('status-maintenance-reason', { ...vars, reason: m.reason }) : say('status-maintenance', vars),
    );
  }
  if ((r.repaired_today ?? []).length > 0) {
    lines.push(
      say('status-repaired', { targets: (r.repaired_today ?? []).map((t) => `${t.target} ×${t.repairs}`).join(', ') }),
    );
  }
  if (r.drive) lines.push(formatDriveStatus(r.drive, say));
  for (const d of r.disk)
    lines.push(
      say('status-disk', { path: d.path, free: formatBytes(d.free_bytes), total: formatBytes(d.total_bytes) }),
    );
  for (const e of r.recent_errors) {
    const vars = {
      job: String(e.job_id),
      queue: e.queue,
      state: e.state,
      error: (e.error ?? '').split('\n')[0]?.slice(0, 200) ?? '',
    };
    lines.push(e.at ? say('status-error-ago', { ...vars, ago: ago(Date.now() - e.at) }) : say('status-error', vars));
  }
  if (r.log.problem) lines.push(say('status-log', { problem: r.log.problem }));
  return lines.join('\n');
}

/** "drive: last sync 4m ago (changes, 3s): 2 files taken, 0 ignored, 0 failed" */
function formatDriveStatus(d: LastDriveRun, say: Say): string {
  const ago = formatSeconds(Math.max(0, Math.round((Date.now() - Date.parse(d.end_time)) / 1000)));
  if (d.critical) return say('status-drive-failed', { ago, problem: d.critical });
  return say('status-drive', {
    ago,
    mode: d.mode,
    duration: formatSeconds(Math.round(d.duration_seconds)),
    taken: String(d.files_downloaded),
    ignored: String(d.invoices_ignored_total),
    failed: String(d.download_errors + d.batch_errors),
  });
}

/** "probe loaded (loaded): 8116 rows, newest 2h ago" */
function formatProbeStatus(p: ProbeStatus, say: Say): string {
  const name = p.stage && p.stage !== p.name ? `${p.name} (${p.stage})` : p.name;
  if (p.error) return say('status-probe-error', { name, error: p.error });
  const age = p.age_seconds === null ? null : formatSeconds(p.age_seconds);
  if (p.value === null)
    return age === null ? say('status-probe-new', { name }) : say('status-probe-age', { name, age });
  const counted = { name, value: String(p.value), unit: p.unit };
  return age === null ? say('status-probe-unmeasured', counted) : say('status-probe', { ...counted, age });
}

/** "batch b_1a2b3c4d (http): 120/200 done, 45/min, about 2m left; 0.0123 USD so far" */
function formatBatchStatus(b: BatchStatus, say: Say, prices?: Prices): string {
  const pace =
    b.rate_per_minute === null
      ? say('status-batch-no-pace')
      : say('status-batch-pace', { rate: String(b.rate_per_minute) });
  const eta = b.eta_seconds === null ? '' : say('status-batch-eta', { left: formatSeconds(b.eta_seconds) });
  const tokens = { input: b.input_tokens ?? 0, output: b.output_tokens ?? 0 };
  const cost = b.cost ?? (prices ? tokenCost(tokens, prices) : null);
  let spent = '';
  if (tokens.input + tokens.output > 0)
    spent = cost
      ? say('status-batch-cost', { cost: formatCost(cost) })
      : say('status-batch-tokens', { tokens: String(tokens.input + tokens.output) });
  return say('status-batch', {
    batch: b.batch_id,
    source: b.source,
    done: String(b.done),
    total: String(b.total),
    pace,
    eta,
    spent,
  });
}
