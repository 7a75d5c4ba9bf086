// Composition root: build the modules from the config, start them in order, stop them in reverse on signals.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkConfiguration } from './config-check.ts';
import type { Config, Secrets } from './core/config.ts';
import { Heartbeats } from './core/heartbeat.ts';
import { SystemdNotifier } from './core/systemd-notify.ts';
import { sharedDataProblem } from './core/shared-data.ts';
import { tightenModes, usePrivateModes } from './core/file-modes.ts';
import { createLog } from './core/log.ts';
import type { Log, Logger } from './core/log.ts';
import { MaintenanceModule } from './core/maintenance.ts';
import { createMetrics } from './core/metrics.ts';
import type { Metrics } from './core/metrics.ts';
import type { Module } from './core/module.ts';
import type { Queue } from './core/queue/index.ts';
import { IntakeRecords } from './pipeline/intake/index.ts';
import { loadDrive, uploadRoutes } from './pipeline/sources/index.ts';
import { syncDeps } from './sync-deps.ts';
import { InvoicesModule, invoiceBatchReport, pricesFrom } from './pipeline/invoices/index.ts';
import { pipelineFollowers } from './followers.ts';
import { ContentModule, contentConfigured, postsNeedingAttention, webhookSecrets } from './pipeline/content/index.ts';
import { WEBHOOK_PATH, loadBotModule } from './bot/index.ts';
import { MonitorModule } from './monitor/index.ts';
import { BackupModule } from './backup/index.ts';
import type { Store } from './core/store/index.ts';
import { openMigratedStore, queueFor } from './store-setup.ts';
import { UsageError } from './usage-error.ts';
import { StoreConfigError, isStoreUnavailable, maskDatabaseUrl } from './core/store/index.ts';
import { HttpModule, loadOrCreateApiToken } from './http/index.ts';
import { buildStatus } from './status.ts';
import { logStartSummary } from './start-summary.ts';
import type { StatusReport } from './status.ts';
import { VERSION } from './version.ts';
import { WEB_PATHS, WebAuth, webBaseUrl, webRoutes } from './web/index.ts';

export { MIGRATIONS, openMigratedStore, queueFor } from './store-setup.ts';

/** Modules `--only` accepts; `worker` is every queue's jobs without polling or the HTTP server (WORKER_MODULES). */
export const MODULE_NAMES = ['http', 'maintenance', 'bot', 'invoices', 'monitor', 'content', 'worker'] as const;
export type ModuleName = (typeof MODULE_NAMES)[number];
/**
 * What `--only worker` runs: the jobs of maintenance, invoices and content, and the bot's intake jobs (downloads,
 * batches) without polling. Not the monitor: it watches its own host's logs and services, and one per host is enough.
 */
export const WORKER_MODULES: readonly ModuleName[] = ['maintenance', 'invoices', 'content'];

export interface StartOptions {
  configFile?: string;
  /** Folder relative paths and config/centinela.yaml are resolved from; default the working directory. */
  cwd?: string;
  only?: string[];
  env?: NodeJS.ProcessEnv;
  /**
   * Make every file and folder this process creates private to the service (the process umask), and narrow an
   * older install's folders and database: `centinela start` does; tests in a shared process do not.
   */
  privateFiles?: boolean;
}

export interface Service {
  config: Config;
  secrets: Secrets;
  log: Log;
  store: Store;
  queue: Queue;
  metrics: Metrics;
  modules: Module[];
  http: HttpModule | null;
  status(): Promise<StatusReport>;
  stop(reason: string): Promise<void>;
}

export { UsageError } from './usage-error.ts';

/** First wait, and longest wait, between tries to reach a store that does not answer at start. */
const START_RETRY_MS = { first: 1000, max: 30_000 };

/** Opens the store at start; a server that does not answer yet (booting, network) is waited for, with backoff. */
async function openStoreAtStart(config: Config, secrets: Secrets, log: Logger): Promise<Store> {
  for (let attempt = 1; ; attempt++) {
    try {
      const store = await openMigratedStore(config, secrets);
      if (attempt > 1) log.info({ attempts: attempt, location: store.location }, 'store reachable: starting');
      return store;
    } catch (err) {
      if (!isStoreUnavailable(err)) throw err;
      const wait = Math.min(START_RETRY_MS.max, START_RETRY_MS.first * 2 ** (attempt - 1));
      const where = secrets.DATABASE_URL ? maskDatabaseUrl(secrets.DATABASE_URL) : config.paths.data;
      log.warn(
        { attempt, retry_in_s: wait / 1000, error: (err as Error).message, location: where },
        'the store does not answer yet: trying again',
      );
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

export async function startService(options: StartOptions = {}): Promise<Service> {
  const only = parseOnly(options.only);
  // Every configuration problem (settings, rules file) stops start-up here, before a log line or the store.
  const { config, secrets } = checkConfiguration({
    file: options.configFile,
    env: options.env,
    cwd: options.cwd,
    monitor: only === null || only.includes('monitor'),
  });
  const { data, logs, media, group_readable: groupReadable } = config.paths;
  if (options.privateFiles) usePrivateModes(groupReadable);
  for (const dir of [data, logs, media]) mkdirSync(dir, { recursive: true });
  const db = join(data, 'centinela.db');
  const narrowed = options.privateFiles
    ? tightenModes([data, logs, media, db, `${db}-wal`, `${db}-shm`], groupReadable)
    : [];
  const log = await createLog({
    level: config.log.level,
    dir: config.paths.logs,
    stdout: config.log.stdout,
    format: config.log.format,
    rotate: config.log.rotate,
    // The webhook targets' secrets too (read from the variables content.targets names): no line may carry one.
    secrets: [...Object.values(secrets), ...webhookSecrets(config, options.env ?? process.env)],
  });
  const mainLog = log.for('main');
  const startedAt = Date.now();
  if (narrowed.length > 0)
    mainLog.info({ paths: narrowed }, 'made files of an older install private to the service (paths.group_readable)');
  let store: Store;
  try {
    store = await openStoreAtStart(config, secrets, mainLog);
  } catch (err) {
    if (err instanceof StoreConfigError)
      mainLog.error({ error: err.message }, 'cannot open the store: the configuration is wrong');
    else mainLog.error({ err }, 'cannot open the store');
    await log.close();
    throw err;
  }
  const metrics = createMetrics();
  const queue = queueFor(config, store, log, metrics);
  metrics.watchQueue(queue);

  const modules: Module[] = [];
  const followers = pipelineFollowers(config, store);
  const wanted = (name: ModuleName): boolean =>
    only === null || only.includes(name) || (only.includes('worker') && WORKER_MODULES.includes(name));
  // `--only worker` without `bot`: the bot's intake jobs run here, Telegram's polling elsewhere.
  const botJobsOnly = only !== null && only.includes('worker') && !only.includes('bot');
  if (wanted('maintenance'))
    modules.push(new MaintenanceModule(queue, config.queue.keep_finished_days, log.for('maintenance')));
  if (wanted('maintenance'))
    modules.push(new BackupModule({ config, secrets, store, queue, log: log.for('backup'), version: VERSION }));
  const invoices = wanted('invoices') ? new InvoicesModule(config, secrets, store, queue, log.for('invoices')) : null;
  if (invoices) modules.push(invoices);
  // The Drive source runs beside the invoices it feeds, and only when folders are set (its code loads only then).
  if (invoices && config.drive.folders.length > 0) {
    const { DriveModule } = await loadDrive();
    const driveLog = log.for('drive');
    modules.push(new DriveModule(config, store, queue, syncDeps(config, secrets, store, queue, driveLog), driveLog));
  }
  // Only with a channel to publish in: a service without one runs as before (no module, nothing degraded).
  if (wanted('content') && contentConfigured(config))
    modules.push(new ContentModule(config, secrets, store, queue, log.for('content')));
  if (wanted('monitor')) {
    // Alone, the monitor watches the main service from outside (its /healthz and heartbeats).
    const alone = only !== null && !only.includes('bot') && !only.includes('invoices') && !only.includes('worker');
    const monitor = new MonitorModule({
      config,
      secrets,
      store,
      queue,
      log: log.for('monitor'),
      alone,
      // The content pipeline's posts that need a person, asked through its index (the monitor does not know it).
      postsNeedingAttention: postsNeedingAttention(store),
    });
    metrics.watchTailLoss(() => monitor.logLoss);
    modules.push(monitor);
  }
  const status = (): Promise<StatusReport> =>
    buildStatus({
      store,
      queueStats: () => queue.stats(),
      modules,
      startedAt,
      diskPaths: [config.paths.data, config.paths.media, config.paths.logs],
      prices: pricesFrom(config),
      log: { file: log.file, problem: log.fileProblem() },
    });
  let http: HttpModule | null = null;
  if (wanted('http')) {
    http = new HttpModule(
      {
        log: log.for('http'),
        token: loadOrCreateApiToken(config.paths.data, secrets.CENTINELA_API_TOKEN),
        registry: metrics.registry,
        health: () => healthProblems(store, queue),
        // A module that is off or degraded (Telegram intake waiting for the Bot API) says so; restarting would not help.
        degraded: () =>
          modules
            .filter((m) => m.name !== 'monitor' && ['degraded', 'off'].includes(m.status().state))
            .map((m) => `${m.name}: ${m.status().detail ?? m.status().state}`),
        status,
        storeLocation: `${store.kind} ${store.location}`,
      },
      config.http,
    );
    modules.push(http);
    // Uploads only record files and queue them: without the invoices module here, its workers in another process
    // on the same store (and the same paths.data) process them.
    const upload = {
      config,
      intakeRecords: new IntakeRecords(store),
      queue,
      followers,
      report: (id: string) => invoiceBatchReport(store, config, id),
      log: log.for('upload'),
    };
    http.addRoutes(uploadRoutes(upload));
    if (config.web.enabled)
      http.addRoutes(webRoutes({ config, store, queue, followers, status, upload, log: log.for('web') }), [
        ...WEB_PATHS,
      ]);
    if (!invoices) {
      log
        .for('upload')
        .info(
          'uploads (POST /batches) are queued for the invoices module of another process: run `centinela start --only invoices` on this store and data folder',
        );
    }
  }
  let fatal: (code: number, reason: string) => void = () => {};
  if (wanted('bot') || botJobsOnly) {
    if (secrets.TELEGRAM_BOT_TOKEN) {
      const deps = {
        config,
        token: secrets.TELEGRAM_BOT_TOKEN,
        store,
        queue,
        followers,
        log,
        status,
        fatal: (code: number, reason: string) => fatal(code, reason),
        webLink: webLinkMaker(config, store, http),
        jobsOnly: botJobsOnly,
      };
      const BotModule = await loadBotModule();
      const bot = new BotModule(deps);
      if (config.telegram.webhook_url && !botJobsOnly) {
        if (!http)
          throw new UsageError('telegram.webhook_url needs the http module: Telegram posts updates to the control API');
        http.addRoutes((app) => bot.webhookRoutes(app), [WEBHOOK_PATH]);
      }
      modules.push(bot);
    } else {
      log
        .for('bot')
        .warn(
          'Telegram intake is off: TELEGRAM_BOT_TOKEN is not set. Everything else runs; set the token and restart to receive files.',
        );
    }
  }

  // Rows named by the queue's worker id: a restart on this host can tell its predecessor's jobs (queue/dead-workers).
  if (store.kind === 'postgres' && (invoices || http)) {
    // Not fatal: a worker that cannot read a job's file hands it to another (NotHere); but say so now.
    const problem = await sharedDataProblem(store, config.paths.data, true).catch(
      (err: unknown) => `paths.data could not be checked: ${(err as Error).message}`,
    );
    if (problem) mainLog.warn({ path: config.paths.data }, problem);
  }
  const heartbeats = new Heartbeats(store, modules, log.for('heartbeat'), queue.workerId);
  // Under a Type=notify unit: READY=1 once started, watchdog pings while the loop and the store answer.
  const systemd = SystemdNotifier.fromEnv({ env: process.env, check: () => store.ping(), log: log.for('systemd') });
  const started: Module[] = [];
  let stopping: Promise<void> | null = null;
  const stop = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      mainLog.info({ reason }, 'stopping');
      await systemd?.stopping();
      for (const m of [...started].reverse()) {
        await m.stop().catch((err: unknown) => mainLog.error({ err, module: m.name }, 'module did not stop cleanly'));
      }
      await queue
        .stop(config.shutdown.timeout_seconds * 1000)
        .catch((err: unknown) => mainLog.error({ err }, 'could not release jobs'));
      await heartbeats.stop();
      await store.close().catch(() => {});
      mainLog.info('stopped');
      await log.close();
    })();
    return stopping;
  };

  // A first beat before any module claims a job: a process killed while starting has its jobs taken back by its
  // successor within seconds (queue/dead-workers), not after their leases (a publish job's is 90 s).
  await heartbeats.beat();
  try {
    for (const m of modules) {
      await m.start();
      started.push(m);
    }
  } catch (err) {
    mainLog.error({ err }, 'start-up failed');
    await stop('start-up failed');
    throw err;
  }
  fatal = (code, reason) => void stop(reason).finally(() => process.exit(code));
  heartbeats.start();
  mainLog.info(
    { version: VERSION, store: store.kind, location: store.location, modules: modules.map((m) => m.name) },
    'centinela started',
  );
  logStartSummary(mainLog, {
    config,
    secrets,
    modules,
    apiUrl: http?.url ?? null,
    leftOut: only === null ? [] : MODULE_NAMES.filter((n) => !only.includes(n)),
  });
  await systemd?.ready();
  return { config, secrets, log, store, queue, metrics, modules, http, status, stop };
}

/** /web's links: to web.base_url, else the control API's own address (known once it listens). */
function webLinkMaker(
  config: Config,
  store: Store,
  http: HttpModule | null,
): ((userId: number) => Promise<string>) | undefined {
  if (!http || !config.web.enabled) return undefined;
  const auth = new WebAuth(store, config.telegram.users, config.web.session_days);
  return async (userId) => {
    return `${webBaseUrl(config, http.url)}/signin?t=${await auth.createLink(userId)}`;
  };
}

async function healthProblems(store: Store, queue: Queue): Promise<string[]> {
  const problems: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    // A server that does not answer at all must not hang the supervisor's probe.
    const timeout = new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error('no answer within 3 s')), 3000)),
    );
    await Promise.race([store.ping(), timeout]);
  } catch (err) {
    problems.push(`store unreachable (${store.kind} ${store.location}): ${(err as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
  if (!queue.workersAlive()) problems.push('a worker loop is stuck');
  return problems;
}

function parseOnly(only: string[] | undefined): ModuleName[] | null {
  if (!only || only.length === 0) return null;
  const names = only
    .flatMap((o) => o.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names) {
    if (!(MODULE_NAMES as readonly string[]).includes(n)) {
      throw new UsageError(`--only ${n}: no such module; the modules are ${MODULE_NAMES.join(', ')}`);
    }
  }
  return names as ModuleName[];
}

/**
 * Runs until SIGINT/SIGTERM, then stops cleanly and exits 0. A second signal exits at once (130); the leases of
 * jobs still running then expire and the jobs run again elsewhere.
 */
export function runUntilSignal(service: Service): Promise<number> {
  const log = service.log.for('main');
  process.on('unhandledRejection', (err) =>
    log.error({ err }, 'unhandled rejection (a bug): the service keeps running'),
  );
  process.on('uncaughtException', (err) => {
    log.error({ err }, 'uncaught exception (a bug): exiting so the supervisor restarts a clean process');
    void service.stop('uncaught exception').finally(() => process.exit(1));
  });
  // Under npm (`npm start` execs the service as npm's child), a Ctrl-C reaches both npm and the service, one
  // process group, and npm forwards its copy: one request arrives twice within milliseconds. There, a repeat
  // within a second is that copy, not a second signal.
  const sameRequestMs = process.env.npm_lifecycle_event ? 1000 : 0;
  return new Promise<number>(() => {
    let signals = 0;
    let firstAt = 0;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (signals > 0 && Date.now() - firstAt < sameRequestMs) return;
      if (signals === 0) firstAt = Date.now();
      signals++;
      if (signals > 1) {
        process.stderr.write(
          `centinela: second ${signal}: exiting now; running jobs will be retried after their lease expires\n`,
        );
        process.exit(130);
      }
      void service.stop(signal).then(() => process.exit(0));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
