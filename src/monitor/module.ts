// The monitor as a module of the service: it tails the logs through the rules, runs the periodic checks, and
// hands what they find to the engine; alerts leave through the outbox. Runs inside the service or alone
// (`centinela start --only monitor`).
import { join, resolve } from 'node:path';
import type { Config, Secrets } from '../core/config.ts';
import type { Logger } from '../core/log.ts';
import type { Module, ModuleStatus } from '../core/module.ts';
import type { Queue } from '../core/queue/index.ts';
import { isStoreUnavailable } from '../core/store/index.ts';
import type { Store } from '../core/store/index.ts';
import { Repairs } from './actions/index.ts';
import { liftDiskPause } from './disk-pause.ts';
import { Alerts, scheduleRepairDigest } from './alerts/index.ts';
import {
  CHECK_RULES,
  Probes,
  backupCheck,
  botApiCheck,
  diskCheck,
  healthzCheck,
  heartbeatCheck,
  postsCheck,
  stalledCheck,
  storeCheck,
  telegramPollingCheck,
} from './checks/index.ts';
import type { PostsNeedingAttention, ProbeSnapshot } from './checks/index.ts';
import { DockerWatch } from './docker/index.ts';
import { MonitorEngine } from './engine.ts';
import { MaintenancePause } from './maintenance/index.ts';
import { Incidents } from './incidents/index.ts';
import { readSourceHealth } from '../pipeline/intake/index.ts';
import { SHIPPED_RULES, loadRules } from './rules/index.ts';
import { Tailer } from './tail/index.ts';
import type { Check, CheckResult } from './types.ts';

import { readFreeSpace } from '../core/free-space.ts';
import { backupDir } from '../backup/index.ts';

export interface MonitorDeps {
  config: Config;
  secrets: Secrets;
  store: Store;
  queue: Queue;
  log: Logger;
  /** Whether the main service's modules run in this process (else the monitor watches it from outside). */
  alone: boolean;
  /** The content pipeline's question about its posts (the composition root hands it in); none: posts are not watched. */
  postsNeedingAttention?: PostsNeedingAttention;
}

/** How often the store is pinged, at most. */
const STORE_CHECK_MS = 5000;
/** How often alerts are flushed and Retry presses picked up. */
const TICK_MS = 1000;
/** A log incident with no repair and no check resolves after this long without a new line. */
const QUIET_RESOLVE_MS = 15 * 60_000;

export class MonitorModule implements Module {
  readonly name = 'monitor';
  readonly #deps: MonitorDeps;
  readonly #timers: NodeJS.Timeout[] = [];
  #engine: MonitorEngine | null = null;
  #alerts: Alerts | null = null;
  #incidents: Incidents | null = null;
  #tailer: Tailer | null = null;
  #docker: DockerWatch | null = null;
  #probes: Probes | null = null;
  #pause: MaintenancePause | null = null;
  /** Each periodic task's last failure, until that task succeeds again: degraded while any one fails. */
  readonly #failing = new Map<() => Promise<unknown>, string>();
  /** Periodic tasks running now: stop() waits for them, so none writes to a store or a log already closed. */
  readonly #inFlight = new Set<Promise<void>>();
  #stopped = false;

  constructor(deps: MonitorDeps) {
    this.#deps = deps;
  }

  /** Watched logs cut before they were read to their end (0 before start): for the metrics. */
  get logLoss(): { losses: number; bytes: number } {
    return { losses: this.#tailer?.losses ?? 0, bytes: this.#tailer?.lostBytes ?? 0 };
  }

  async start(): Promise<void> {
    const { config, secrets, store, queue, log } = this.#deps;
    const m = config.monitor;
    // A bad rules file stops the start with the list of what to fix (RulesError).
    const rules = loadRules(m.rules ? resolve(m.rules) : SHIPPED_RULES);
    // Maintenance windows hold back findings about their targets and mute reminders of their incidents.
    const pause = new MaintenancePause(store);
    this.#pause = pause;
    const incidents = new Incidents(store, {
      journal: join(config.paths.logs, 'incidents.jsonl'),
      log: log.child({ component: 'monitor.incidents' }),
    });
    const alerts = new Alerts({
      store,
      log: log.child({ component: 'monitor.alerts' }),
      chats: config.telegram.admin_chats,
      groupWaitMs: config.alerts.group_wait,
      repeatMs: config.alerts.repeat,
      // Alerts speak the language of the first admin (the bot's users each have one).
      lang: config.telegram.users.find((u) => u.role === 'admin')?.language ?? 'es',
      mutedBy: async (incident) => {
        const w = await pause.covering(incident.target);
        return w ? `maintenance of ${w.target} until ${new Date(w.until).toISOString()}` : null;
      },
    });
    const checkInterval = m.check_interval;
    if (m.containers.length > 0) {
      this.#docker = new DockerWatch({
        socket: m.docker_socket,
        containers: m.containers,
        store,
        log: log.child({ component: 'monitor.docker' }),
        intervalMs: checkInterval,
        multilineStart: new RegExp(m.multiline_start),
        maxLineBytes: m.max_line_bytes,
        onResults: (results) => this.#onResults(results),
        onRecords: async (records) => this.#engine?.onRecords(await pause.records(records)),
      });
    }
    const repairs = new Repairs({
      store,
      queue,
      log: log.child({ component: 'monitor.repair' }),
      allowedRoots: [config.paths.media, config.paths.data, ...m.allowed_roots].map((p) => resolve(p)),
      owner: m.owner,
      dataDir: config.paths.data,
      docker: this.#docker?.api ?? null,
      botApi: { apiRoot: config.telegram.api_root, token: secrets.TELEGRAM_BOT_TOKEN ?? null },
      dryRun: m.dry_run,
      breaker: { maxRepairs: m.breaker.max_repairs, windowMs: m.breaker.window, healthyForMs: m.breaker.healthy_for },
      diskLow: () => this.#diskLow(),
    });
    const engine = new MonitorEngine({
      incidents,
      alerts,
      repairs,
      rules,
      log,
      repairsWarnAfter: m.repairs_warn_after,
      mediaRoot: resolve(config.paths.media),
    });
    this.#engine = engine;
    this.#alerts = alerts;
    this.#incidents = incidents;

    const checks = this.#buildChecks(checkInterval);
    if (this.#docker) {
      await this.#docker.start();
      checks.push(this.#docker.check);
    }
    this.#tailer = new Tailer({
      store,
      log: log.child({ component: 'monitor.tail' }),
      files: [join(config.paths.logs, 'centinela.log'), ...m.logs],
      from: m.from,
      maxLineBytes: m.max_line_bytes,
      multilineStart: new RegExp(m.multiline_start),
      onRecords: (records) => engine.onRecords(records),
    });
    await this.#tailer.start();
    for (const check of checks) this.#every(check.intervalMs, () => this.#runCheck(check), true);
    this.#every(TICK_MS, async () => {
      await engine.retryRequested();
      await alerts.flush();
    });
    // A paused intake is resolved by the disk check, not by quiet: its rule's lines stop because nothing is written.
    const holdingRules = rules.rules.filter((r) => r.action?.type === 'pause_intake').map((r) => r.id);
    this.#every(60_000, async () => {
      const quiet = await incidents.resolveQuiet(QUIET_RESOLVE_MS, [...CHECK_RULES, ...holdingRules]);
      for (const incident of quiet) await alerts.notify(incident, 'resolved');
    });
    await scheduleRepairDigest(queue, store, alerts, config.alerts.digest);
    await engine.resumeInterrupted();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const t of this.#timers) clearInterval(t);
    await Promise.allSettled([...this.#inFlight]);
    await this.#tailer?.stop();
    await this.#docker?.stop();
    await this.#probes?.close();
    await this.#engine?.settle();
    await this.#alerts?.flush().catch(() => 0);
  }

  status(): ModuleStatus {
    if (this.#stopped) return { state: 'stopped' };
    // Probes and maintenance windows are in the status report's own sections (read from the store).
    const problems = [...new Set(this.#failing.values())];
    return {
      state: problems.length > 0 ? 'degraded' : 'running',
      detail: problems.length > 0 ? problems.join('; ') : undefined,
    };
  }

  /** The incidents store, for /status and commands in this process. */
  get incidents(): Incidents | null {
    return this.#incidents;
  }

  /** Probes measured last, stage by stage (for /status). */
  probes(): ProbeSnapshot[] {
    return this.#probes?.snapshot() ?? [];
  }

  #buildChecks(intervalMs: number): Check[] {
    const { config, secrets, store, queue, log, alone } = this.#deps;
    const m = config.monitor;
    const checks: Check[] = [
      diskCheck({
        paths: this.#diskPaths(),
        warnFree: config.disk.warn_free,
        criticalFree: config.disk.critical_free,
        clearMargin: config.disk.clear_margin,
        intervalMs,
      }),
      heartbeatCheck({ store, staleMs: m.heartbeat_stale, intervalMs }),
      stalledCheck({ store, queue, stalledMs: m.stalled_after, intervalMs }),
      // Often, so that a short outage of the store is still seen (a ping costs nothing).
      storeCheck({ store, intervalMs: Math.min(intervalMs, STORE_CHECK_MS) }),
    ];
    const botApi = m.bot_api.check === 'on' || (m.bot_api.check === 'auto' && config.telegram.local_mode);
    const intake = (): ReturnType<typeof readSourceHealth> => readSourceHealth(store, 'telegram');
    if (secrets.TELEGRAM_BOT_TOKEN && !config.telegram.webhook_url) {
      checks.push(telegramPollingCheck({ intake, stalledMs: config.telegram.poll_stalled_after, intervalMs }));
    }
    if (botApi && secrets.TELEGRAM_BOT_TOKEN) {
      checks.push(
        botApiCheck({
          apiRoot: config.telegram.api_root,
          token: secrets.TELEGRAM_BOT_TOKEN,
          intervalMs: m.bot_api.interval,
          failures: m.bot_api.failures,
          intake,
        }),
      );
    } else if (botApi) {
      log.warn('monitor.bot_api.check is on but TELEGRAM_BOT_TOKEN is not set: the Bot API server is not checked');
    }
    const incidents = this.#incidents;
    if (this.#deps.postsNeedingAttention && incidents) {
      checks.push(
        postsCheck({
          postsNeedingAttention: this.#deps.postsNeedingAttention,
          openIncidents: () => incidents.open(),
          overdueAfterMs: m.post_overdue_after,
          intervalMs,
        }),
      );
    }
    if (config.backup.schedule !== 'off') {
      const dir = backupDir(config);
      checks.push(
        backupCheck({ store, dir, maxAgeMs: config.backup.max_age, intervalMs: Math.max(intervalMs, 60_000) }),
      );
    }
    if (alone && m.watch_url)
      checks.push(healthzCheck({ url: m.watch_url, intervalMs, token: secrets.CENTINELA_API_TOKEN }));
    if (m.probes.length > 0) {
      this.#probes = new Probes({
        probes: m.probes,
        env: process.env,
        intervalMs,
        store,
        log: log.child({ component: 'monitor.probes' }),
      });
      checks.push(this.#probes.check);
    }
    return checks;
  }

  /** The disk check's folders, measured against disk.critical_free (pause_intake asks before a log line pauses). */
  #diskPaths(): string[] {
    const { config } = this.#deps;
    return [
      ...new Set(
        [config.paths.data, config.paths.media, config.paths.logs, ...config.monitor.disk_paths].map((p) => resolve(p)),
      ),
    ];
  }

  async #diskLow(): Promise<boolean> {
    const critical = this.#deps.config.disk.critical_free;
    const free = await Promise.all(
      this.#diskPaths().map((p) =>
        readFreeSpace(p).then(
          (s) => s.free,
          () => Number.POSITIVE_INFINITY,
        ),
      ),
    );
    return free.some((f) => f < critical);
  }

  async #runCheck(check: Check): Promise<void> {
    const results = await check.run();
    await this.#onResults(results);
    if (check.id === 'disk' && this.#incidents && this.#alerts) {
      await liftDiskPause(
        { store: this.#deps.store, incidents: this.#incidents, alerts: this.#alerts, log: this.#deps.log },
        results,
      );
    }
  }

  async #onResults(results: CheckResult[]): Promise<void> {
    if (!this.#engine || !this.#pause) return;
    await this.#engine.onCheckResults(await this.#pause.results(results));
  }

  /** Runs `task` every `intervalMs` (and now, if asked), never two at once; a failure is logged and retried next time. */
  #every(intervalMs: number, task: () => Promise<unknown>, now = false): void {
    let running = false;
    const tick = (): void => {
      if (running || this.#stopped) return;
      running = true;
      const run = task()
        .then(() => {
          this.#failing.delete(task);
        })
        .catch((err: unknown) => {
          // While the store is away every task fails each round: say so once, not every second.
          const again = this.#failing.has(task) && isStoreUnavailable(err);
          this.#failing.set(task, `a monitor task failed: ${(err as Error).message}`);
          if (!again) this.#deps.log.warn({ err }, 'monitor task failed; retrying at its next interval');
        })
        .finally(() => {
          running = false;
          this.#inFlight.delete(run);
        });
      this.#inFlight.add(run);
    };
    const timer = setInterval(tick, intervalMs);
    timer.unref();
    this.#timers.push(timer);
    if (now) tick();
  }
}
