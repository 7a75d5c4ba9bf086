// The Telegram bot as a module: long polling with @grammyjs/runner (an update is confirmed once its handler
// has finished; recording is idempotent, so a re-delivered update does nothing twice), auth, commands and intake.
import { timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { autoRetry } from '@grammyjs/auto-retry';
import type { RunnerHandle } from '@grammyjs/runner';
import { Api, Bot, GrammyError } from 'grammy';
import type { Context } from 'grammy';
import type { Update } from 'grammy/types';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../core/config.ts';
import type { Log, Logger } from '../core/log.ts';
import type { Module, ModuleStatus } from '../core/module.ts';
import type { Queue } from '../core/queue/index.ts';
import type { Store } from '../core/store/index.ts';
import { Intake, writeSourceHealth } from '../pipeline/intake/index.ts';
import type { Followers, SourceHealth } from '../pipeline/intake/index.ts';
import { pricesFrom } from '../pipeline/invoices/index.ts';
import { Approvals, contentConfigured, postActionsFor } from '../pipeline/content/index.ts';
import type { PostActions } from '../pipeline/content/index.ts';
import { takeCaptionEdit } from './approval-buttons.ts';
import type { StatusReport } from '../status.ts';
import { registerBuiltins } from './builtin-commands.ts';
import { handleCallback } from './callbacks.ts';
import { TELEGRAM_CONFLICT_EXIT_CODE, WEBHOOK_PATH, webhookSecret } from './constants.ts';
import { Commands } from './commands.ts';
import { handleFileMessage } from './file-messages.ts';
import { createTranslator, langOf } from './i18n.ts';
import type { Lang, Translator } from './i18n.ts';
import { registerMaintenanceCommand } from './maintenance-command.ts';
import { registerContentCommands } from './content-commands.ts';
import { registerDriveCommands } from './drive-commands.ts';
import { registerWebCommand } from './web-command.ts';
import type { WebLink } from './web-command.ts';
import { lazyMonitorRecords, registerMonitorCommands } from './monitor-commands.ts';
import type { MonitorRecords } from './monitor-commands.ts';
import { escapeHtml, loadOutboxSender } from '../outbox/index.ts';
import type { Outbox } from '../outbox/index.ts';
import { isFinal, retryDelayMs, startPolling } from './polling.ts';
import { pause } from '../core/pause.ts';
import { LeaseKeeper } from '../core/lease.ts';
import type { LeaseRecord } from '../core/lease.ts';
import { TelegramFiles, TelegramNotifier } from './telegram-ports.ts';
import { Users, firstRefusalToday } from './users.ts';

// The outbox's sender brings grammY, which this module loads anyway.
const { Outbox: OutboxSender } = await loadOutboxSender();

const ALLOWED_UPDATES = ['message', 'callback_query'] as const;
/** One getMe (or setWebhook) at start may take this long before it counts as failed and is tried again. */
const CONNECT_TIMEOUT_MS = 10_000;
/** While updates flow, the time of the last poll is written at most this often (the monitor's stall check reads it). */
const HEALTH_WRITE_EVERY_MS = 15_000;
/** A failing poll or getMe is logged the first time, then every this many failures. */
const LOG_EVERY_FAILURES = 20;
/** The lease of Telegram long polling: one process of a store polls (getUpdates), the others wait. */
export const POLLING_LEASE = 'telegram.polling';

export interface BotDeps {
  config: Config;
  token: string;
  store: Store;
  queue: Queue;
  /** The pipelines registered with the intake (src/followers.ts). */
  followers: Followers;
  log: Log;
  status(): Promise<StatusReport>;
  /** Called when the bot cannot go on (409 Conflict); the service stops and exits with `code`. */
  fatal(code: number, reason: string): void;
  /** A one-time link to the web page for a user (web.enabled with the control API here); no /web without it. */
  webLink?: WebLink;
  /**
   * `--only worker`: the intake's download and batch jobs only; no polling, webhook, command menus or outbox sender
   * (the process that holds polling sends the messages these jobs write).
   */
  jobsOnly?: boolean;
}

export class BotModule implements Module {
  readonly name = 'bot';
  readonly intake: Intake;
  readonly outbox: Outbox;
  readonly commands: Commands;
  readonly #d: BotDeps;
  readonly #log: Logger;
  readonly #t: Translator;
  readonly #users: Users;
  readonly #bot: Bot;
  readonly #posts: PostActions;
  readonly #approvals: Approvals;
  /** grammY's Api without auto-retry, for getMe and getUpdates: their retries are ours (polling.ts). */
  readonly #plainApi: Api;
  /** Incidents and silences for /errors, /silence, … and the alert buttons; made on first use. */
  readonly #monitor: () => MonitorRecords;
  #runner: RunnerHandle | null = null;
  /** Long polling: the lease that lets this process poll; null with a webhook or jobs only. */
  readonly #lease: LeaseKeeper | null;
  /** Another process holds polling: who, for status. */
  #standbyDetail: string | null = null;
  #intakeWorking = false;
  #ready = false;
  #state: ModuleStatus = { state: 'starting' };
  #health: SourceHealth = { state: 'waiting', since: Date.now(), detail: 'starting', lastOkAt: null };
  #healthWrittenAt = 0;
  readonly #stopping = new AbortController();
  #connecting: Promise<void> | null = null;

  constructor(deps: BotDeps) {
    this.#d = deps;
    this.#log = deps.log.for('bot');
    this.#t = createTranslator();
    this.#users = new Users(deps.config.telegram.users);
    this.intake = new Intake(deps.config, deps.store, deps.queue, deps.followers);
    this.#posts = postActionsFor(deps.config, deps.store, deps.queue);
    this.#approvals = new Approvals(deps.config, deps.store, deps.queue);
    this.commands = new Commands(this.#t);
    this.#monitor = lazyMonitorRecords(deps.store, join(deps.config.paths.logs, 'incidents.jsonl'), this.#log);
    this.#bot = new Bot(deps.token, { client: { apiRoot: deps.config.telegram.api_root } });
    this.#plainApi = new Api(deps.token, { apiRoot: deps.config.telegram.api_root });
    // The outbox owns its retries: its Api has no auto-retry, so a 429 never blocks the sending loop.
    this.outbox = new OutboxSender({
      store: deps.store,
      api: this.#plainApi,
      log: deps.log.for('outbox'),
      fallbackWebhook: deps.config.alerts.fallback_webhook,
      fallbackAfterMs: deps.config.alerts.fallback_after_seconds * 1000,
    });
    this.#lease =
      deps.jobsOnly || deps.config.telegram.webhook_url
        ? null
        : new LeaseKeeper({
            store: deps.store,
            name: POLLING_LEASE,
            holder: deps.queue.workerId,
            ttlMs: deps.config.telegram.poll_lease,
            log: this.#log,
            // Not awaited: a slow first getMe must not hold up the lease's renewals.
            onAcquired: () => void this.#lead(),
            onLost: (why) => this.#yield(why),
            onWaiting: (holder) => this.#wait(holder),
          });
  }

  /**
   * Starts the outbox and, in the background, connects to the Bot API: getMe is asked until it answers, however
   * long an outage lasts (only a 401, a wrong token, is final), then the workers and the polling (or the webhook)
   * start. Until then /healthz and /status say that Telegram intake is not running.
   */
  async start(): Promise<void> {
    const { config } = this.#d;
    const bot = this.#bot;
    bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60 }));
    const notifier = new TelegramNotifier(bot.api, this.#t, this.outbox, config.telegram.admin_chats, this.#adminLang);
    registerBuiltins(this.commands, this.intake, this.#d.status, this.#d.store, this.#d.queue, pricesFrom(config));
    registerMonitorCommands(this.commands, this.#monitor, this.#log);
    registerMaintenanceCommand(this.commands, this.#d.store, config.monitor, this.#log);
    // Without a channel there are no posts: the menu stays as it was.
    if (contentConfigured(config))
      registerContentCommands(this.commands, config, this.#d.store, this.#d.queue, this.#log);
    if (config.drive.folders.length > 0) registerDriveCommands(this.commands, this.#d.store, this.#d.queue, this.#log);
    if (this.#d.webLink) registerWebCommand(this.commands, this.#d.webLink, this.#log);
    this.#routes(bot, notifier);
    this.#notifier = notifier;
    if (this.#d.jobsOnly) {
      this.#state = { state: 'starting', detail: 'jobs only: connecting to the Bot API' };
      this.#connecting = this.#connectForJobs(notifier);
      return;
    }
    if (this.#lease) {
      // The first round decides: this process polls (start-up goes on as with one process) or waits for the holder.
      let decided = (): void => {};
      const first = new Promise<void>((resolve) => (decided = resolve));
      this.#firstRound = decided;
      this.#lease.start();
      // A store that does not answer the lease yet must not hold start-up: the keeper goes on trying.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([first, new Promise<void>((resolve) => (timer = setTimeout(resolve, CONNECT_TIMEOUT_MS)))]);
      clearTimeout(timer);
      return;
    }
    await this.#startLeading(notifier);
  }

  /** This process holds Telegram: the outbox sender, the connection, then polling (or the webhook). */
  async #startLeading(notifier: TelegramNotifier): Promise<void> {
    this.outbox.start(); // alerts wait in the outbox and go out when Telegram answers
    await this.#setHealth('waiting', 'connecting to the Bot API');
    let settled = (): void => {};
    const firstTry = new Promise<void>((resolve) => (settled = resolve));
    this.#connecting = this.#connect(notifier, settled)
      .catch((err: unknown) => {
        this.#log.error({ err }, 'Telegram intake could not start');
        return this.#setHealth('off', `could not start: ${describe(err)}`);
      })
      .finally(settled);
    // When Telegram answers at once, start-up ends with intake on, as before; when not, it ends after one try and
    // the service runs while the bot keeps trying.
    await firstTry;
  }

  #notifier: TelegramNotifier | null = null;
  #firstRound: (() => void) | null = null;

  #settleFirstRound(): void {
    this.#firstRound?.();
    this.#firstRound = null;
  }

  /** The polling lease is ours: take Telegram over. */
  async #lead(): Promise<void> {
    if (this.#stopping.signal.aborted || !this.#notifier) return;
    if (this.#standbyDetail !== null) this.#log.info('Telegram polling lease taken: this process polls now');
    this.#standbyDetail = null;
    await this.#startLeading(this.#notifier).finally(() => this.#settleFirstRound());
  }

  /** Another process holds the polling lease: say who, and run the intake's jobs meanwhile. */
  #wait(holder: LeaseRecord | null): void {
    const who = holder ? `${holder.host} pid ${holder.pid}` : 'another process';
    const first = this.#standbyDetail === null;
    this.#standbyDetail = `standby: Telegram polling is held by ${who}; this process takes over within ${Math.ceil(this.#d.config.telegram.poll_lease / 1000)} s if it stops`;
    this.#state = { state: 'running', detail: this.#standbyDetail };
    if (first || holder)
      this.#log.info(
        { holder: holder?.holder, host: holder?.host, pid: holder?.pid },
        `Telegram polling is held by ${who}: this process waits (no 409 Conflict) and takes over if it stops`,
      );
    if (first && this.#notifier) this.#connecting ??= this.#connectForJobs(this.#notifier, false);
    this.#settleFirstRound();
  }

  /** The lease is lost (taken over after a store outage): stop polling at once, two pollers would fight. */
  async #yield(why: string): Promise<void> {
    this.#log.warn({ reason: why }, 'Telegram polling lease lost: polling stops here');
    this.#ready = false;
    const runner = this.#runner;
    this.#runner = null;
    if (runner?.isRunning()) await runner.stop().catch(() => {});
    this.#wait(null);
  }

  /**
   * Jobs only (or standby): the intake's download and batch workers once the Bot API answers getMe; nothing is
   * written to the Telegram source health (the polling process owns it).
   */
  async #connectForJobs(notifier: TelegramNotifier, setState = true): Promise<void> {
    const api = this.#plainApi;
    const signal = this.#stopping.signal;
    for (let failures = 0; !signal.aborted; ) {
      try {
        this.#bot.botInfo = await api.getMe(
          AbortSignal.any([signal, AbortSignal.timeout(CONNECT_TIMEOUT_MS)]) as never,
        );
        break;
      } catch (err) {
        if (signal.aborted) return;
        failures++;
        if (err instanceof GrammyError && err.error_code === 401) {
          this.#log.error(
            'Telegram refused the bot token (401 Unauthorized): set the right TELEGRAM_BOT_TOKEN and restart',
          );
          this.#state = { state: 'off', detail: 'the Bot API refused the token (401)' };
          return;
        }
        if (failures === 1 || failures % LOG_EVERY_FAILURES === 0)
          this.#log.warn({ error: describe(err), failures }, 'the Bot API does not answer getMe yet: trying again');
        await pause(retryDelayMs(err, failures), signal);
      }
    }
    if (signal.aborted) return;
    this.#startIntakeJobs(notifier);
    if (setState) this.#state = { state: 'running', detail: 'jobs only: downloads and batches (no polling)' };
  }

  #startIntakeJobs(notifier: TelegramNotifier): void {
    if (this.#intakeWorking) return;
    this.#intakeWorking = true;
    this.intake.work(new TelegramFiles(this.#bot.api, this.#d.token, this.#d.config.telegram), notifier, this.#log);
  }

  async #connect(notifier: TelegramNotifier, firstTryDone: () => void): Promise<void> {
    const { config, token } = this.#d;
    const bot = this.#bot;
    const api = this.#plainApi;
    const gotMe = await this.#untilAnswered(
      'getMe',
      async (signal) => {
        bot.botInfo = await api.getMe(signal as never);
      },
      firstTryDone,
    );
    if (!gotMe) return;
    this.outbox.telegramAnswered();
    await this.commands
      .publish(bot.api, this.#users)
      .catch((err: unknown) => this.#log.warn({ err }, 'could not set the command menus'));
    this.#startIntakeJobs(notifier);
    this.#ready = true;
    if (config.telegram.webhook_url) {
      const url = config.telegram.webhook_url;
      const set = await this.#untilAnswered('setWebhook', async (signal) => {
        await api.setWebhook(
          url,
          { secret_token: webhookSecret(token), allowed_updates: [...ALLOWED_UPDATES] },
          signal as never,
        );
      });
      if (!set) return;
      await this.#setHealth('running', null);
    } else {
      this.#runner = startPolling({
        api,
        bot,
        timeoutSeconds: config.telegram.poll_timeout_seconds,
        allowedUpdates: ALLOWED_UPDATES,
        onPoll: () => void this.#polled(),
        onPollFailed: (err, failures, wait) => void this.#pollFailed(err, failures, wait),
      });
      void this.#runner.task()?.catch((err: unknown) => void this.#pollingFailed(err));
    }
    this.#log.info(
      { bot: bot.botInfo.username, api_root: config.telegram.api_root, local_mode: config.telegram.local_mode },
      'Telegram intake on',
    );
  }

  /**
   * Calls the Bot API until it answers, however long that takes: false when the token is refused (401, final) or
   * the module stops. Each failure waits at most polling.ts's cap, so the answer is seen soon after an outage.
   */
  async #untilAnswered(
    method: string,
    call: (signal: AbortSignal) => Promise<void>,
    failedOnce: () => void = () => {},
  ): Promise<boolean> {
    const signal = this.#stopping.signal;
    for (let failures = 0; !signal.aborted; ) {
      try {
        await call(AbortSignal.any([signal, AbortSignal.timeout(CONNECT_TIMEOUT_MS)]));
        return true;
      } catch (err) {
        if (signal.aborted) return false;
        if (err instanceof GrammyError && err.error_code === 401) {
          this.#log.error(
            { error: err.description },
            'Telegram refused the bot token (401 Unauthorized): Telegram intake is off; set the right TELEGRAM_BOT_TOKEN and restart',
          );
          await this.#setHealth(
            'off',
            'the Bot API refused the token (401): set the right TELEGRAM_BOT_TOKEN and restart',
          );
          return false;
        }
        failures++;
        const wait = retryDelayMs(err, failures);
        if (failures === 1 || failures % LOG_EVERY_FAILURES === 0) {
          this.#log.warn(
            { error: describe(err), failures },
            `the Bot API does not answer ${method} yet: Telegram intake waits and tries again`,
          );
        }
        await this.#setHealth(
          'waiting',
          `the Bot API does not answer: ${describe(err)} (${failures} tries; trying again every ${Math.ceil(wait / 1000)} s or less)`,
        );
        failedOnce();
        await pause(wait, signal);
      }
    }
    return false;
  }

  /** A poll came back: intake runs. Written on a change, and while running at most every HEALTH_WRITE_EVERY_MS. */
  async #polled(): Promise<void> {
    const was = this.#health.state;
    this.#health.lastOkAt = Date.now();
    if (was !== 'running') {
      if (was === 'waiting' && this.#health.detail?.startsWith('polls fail'))
        this.#log.info('Telegram answers again: updates flow');
      this.outbox.telegramAnswered();
      await this.#setHealth('running', null);
    } else if (Date.now() - this.#healthWrittenAt >= HEALTH_WRITE_EVERY_MS) {
      await this.#writeHealth();
    }
  }

  async #pollFailed(err: unknown, failures: number, wait: number): Promise<void> {
    if (failures === 1 || failures % LOG_EVERY_FAILURES === 0) {
      this.#log.warn({ error: describe(err), failures, retry_in_ms: wait }, 'Telegram polling failed; trying again');
    }
    if (this.#health.state === 'running' || failures === 1)
      await this.#setHealth('waiting', `polls fail: ${describe(err)}`);
  }

  /** The module status (for /status and /healthz) and the shared source health (for the monitor) in one place. */
  async #setHealth(state: SourceHealth['state'], detail: string | null): Promise<void> {
    // Standing by or jobs only: the process that polls owns Telegram's state.
    if (this.#d.jobsOnly || (this.#lease && !this.#lease.held)) {
      if (state === 'stopped') this.#state = { state: 'stopped' };
      return;
    }
    const changed = state !== this.#health.state;
    this.#health = { state, since: changed ? Date.now() : this.#health.since, detail, lastOkAt: this.#health.lastOkAt };
    const mode = this.#d.config.telegram.webhook_url ? 'webhook' : 'long polling';
    this.#state =
      state === 'running'
        ? {
            state: 'running',
            detail: `@${this.#bot.botInfo.username}, ${mode}${this.#d.config.telegram.local_mode ? ', local Bot API server' : ''}`,
          }
        : state === 'stopped'
          ? { state: 'stopped' }
          : {
              state: state === 'off' ? 'off' : 'degraded',
              detail: `Telegram intake is not running: ${detail ?? state}`,
            };
    await this.#writeHealth();
  }

  async #writeHealth(): Promise<void> {
    if (this.#d.jobsOnly || (this.#lease && !this.#lease.held)) return;
    this.#healthWrittenAt = Date.now();
    await writeSourceHealth(this.#d.store, 'telegram', this.#health).catch((err: unknown) =>
      this.#log.warn({ err }, 'could not record the state of Telegram intake'),
    );
  }

  /**
   * Webhook mode: Telegram POSTs updates to /telegram/webhook on the control API (behind an HTTPS proxy at
   * telegram.webhook_url), proving itself with the secret token given to setWebhook.
   */
  webhookRoutes(app: FastifyInstance): void {
    const secret = Buffer.from(webhookSecret(this.#d.token));
    app.post(WEBHOOK_PATH, async (req, reply) => {
      const given = Buffer.from(String(req.headers['x-telegram-bot-api-secret-token'] ?? ''));
      if (given.length !== secret.length || !timingSafeEqual(given, secret))
        return reply.code(401).send({ error: 'wrong secret token' });
      if (!this.#ready) return reply.code(503).send({ error: 'the bot is starting' }); // Telegram retries later
      const update = req.body as Update;
      if (typeof update?.update_id !== 'number') return reply.code(400).send({ error: 'not a Telegram update' });
      await this.#bot.handleUpdate(update);
      return { ok: true };
    });
  }

  async stop(): Promise<void> {
    this.#ready = false;
    this.#stopping.abort();
    this.#settleFirstRound();
    await this.#connecting;
    if (this.#runner?.isRunning()) await this.#runner.stop();
    await this.outbox.stop();
    await this.#setHealth('stopped', null);
    // Last: a process standing by takes polling over within a round of its wait instead of the whole lease.
    await this.#lease?.stop();
  }

  status(): ModuleStatus {
    return this.#state;
  }

  #routes(bot: Bot, notifier: TelegramNotifier): void {
    const { config } = this.#d;
    bot.catch((err) =>
      this.#log.error({ err: err.error, request_id: `u-${err.ctx.update.update_id}` }, 'update handler failed'),
    );
    bot.use(async (ctx, next) => {
      const chat = ctx.chat;
      // Groups only if listed; elsewhere stay silent (a bot added to a random group must not chatter). An admin
      // group gets the alerts, so presses on their buttons count there too.
      const adminChat = config.telegram.admin_chats.includes(chat?.id ?? 0);
      // An admin's text there may be the caption they were asked for after pressing Edit (see the text handler).
      const adminText = ctx.message?.text !== undefined && this.#users.get(ctx.from?.id)?.role === 'admin';
      const listed =
        config.telegram.groups.includes(chat?.id ?? 0) || (adminChat && (ctx.callbackQuery !== undefined || adminText));
      if (chat && chat.type !== 'private' && !listed) return;
      const user = this.#users.get(ctx.from?.id);
      if (!user) {
        await this.#refuse(ctx);
        return;
      }
      await next();
    });
    bot.on('callback_query', async (ctx) => {
      const user = this.#users.get(ctx.from.id);
      if (!user) return;
      const log = this.#log.child({ request_id: `u-${ctx.update.update_id}` });
      await handleCallback(ctx, user, {
        records: this.#monitor,
        t: this.#t,
        log,
        store: this.#d.store,
        dataDir: this.#d.config.paths.data,
        posts: this.#posts,
        approvals: this.#approvals,
      });
    });
    bot.on('message:text', async (ctx) => {
      const user = this.#users.get(ctx.from.id);
      if (!user) return;
      if (ctx.message.text.startsWith('/')) {
        // In an admin group that is not in telegram.groups the bot answers only the caption it asked for.
        if (ctx.chat.type === 'private' || config.telegram.groups.includes(ctx.chat.id))
          await this.commands.handle(ctx, user);
        return;
      }
      const t = (key: string, vars?: Record<string, string | number>): string => this.#t.t(user.language, key, vars);
      const log = this.#log.child({ request_id: `u-${ctx.update.update_id}` });
      if (await takeCaptionEdit(ctx, user, this.#approvals, t, log)) return;
      if (ctx.chat.type === 'private' || config.telegram.groups.includes(ctx.chat.id))
        await ctx.reply(this.#t.t(user.language, 'send-files'));
    });
    bot.on(['message:video', 'message:document', 'message:photo'], async (ctx) => {
      const user = this.#users.get(ctx.from.id);
      if (!user) return;
      const log = this.#log.child({ request_id: `u-${ctx.update.update_id}` });
      await handleFileMessage(ctx, user, { config, intake: this.intake, notifier, t: this.#t, log });
    });
  }

  /** Admin messages speak the first admin's language, as the monitor's alerts do. */
  get #adminLang(): Lang {
    return this.#d.config.telegram.users.find((u) => u.role === 'admin')?.language ?? 'es';
  }

  async #refuse(ctx: Context): Promise<void> {
    const from = ctx.from;
    if (!from) return;
    const name =
      [from.first_name, from.last_name].filter(Boolean).join(' ') + (from.username ? ` (@${from.username})` : '');
    const refusal = this.#t.t(langOf(from.language_code), 'refused', { id: String(from.id) });
    // A press on a button is answered where it was made (the spinner stops), not with a message in the chat.
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: refusal, show_alert: true });
    else if (ctx.chat?.type === 'private') await ctx.reply(refusal);
    if (await firstRefusalToday(this.#d.store, from.id, name)) {
      this.#log.warn({ user_id: from.id, name }, 'message from an unknown sender refused');
      await this.outbox.enqueueMany(this.#d.config.telegram.admin_chats, {
        text: this.#t.t(this.#adminLang, 'admin-stranger', { name: escapeHtml(name), id: String(from.id) }),
        format: 'html',
        dedupKey: `refused:${from.id}:${new Date().toISOString().slice(0, 10)}`,
      });
    }
  }

  async #pollingFailed(err: unknown): Promise<void> {
    const conflict = err instanceof GrammyError && err.error_code === 409;
    // Another process of this store took the polling lease over (this one could not renew it in time): not a fight.
    if (conflict && this.#lease && !(await this.#lease.confirm().catch(() => true))) {
      this.#log.warn('Telegram answered 409 Conflict after another process took the polling lease: polling stops here');
      return;
    }
    if (!conflict) {
      const why = isFinal(err)
        ? 'the Bot API refused the token (401): set the right TELEGRAM_BOT_TOKEN and restart'
        : `polling stopped: ${describe(err)}`;
      void this.#setHealth('off', why);
      this.#log.error({ err }, `Telegram polling stopped: ${why}`);
      return;
    }
    const reason = `Telegram answered 409 Conflict: ${err.description}. Another instance polls with this token, or a webhook is set. Stop the other instance (or deleteWebhook), then start this one again.`;
    void this.#setHealth('off', '409 Conflict: another instance polls with this token');
    this.#log.error({ error: err.description }, reason);
    void this.#alertThenExit(reason);
  }

  /** The alert is durable in the outbox; give it a few seconds to go out before the process exits. */
  async #alertThenExit(reason: string): Promise<void> {
    try {
      const ids = await this.outbox.enqueueMany(this.#d.config.telegram.admin_chats, {
        text: this.#t.t(this.#adminLang, 'admin-conflict', { description: escapeHtml(reason) }),
        format: 'html',
        dedupKey: `conflict:${new Date().toISOString().slice(0, 13)}`,
      });
      this.outbox.poke();
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline) {
        const states = await Promise.all(ids.map(async (id) => (await this.outbox.get(id))?.state));
        if (states.every((s) => s !== 'pending' && s !== 'sending')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    } catch (err) {
      this.#log.error({ err }, 'could not queue the conflict alert');
    }
    this.#d.fatal(TELEGRAM_CONFLICT_EXIT_CODE, reason);
  }
}

function describe(err: unknown): string {
  return err instanceof GrammyError ? `${err.error_code} ${err.description}` : ((err as Error)?.message ?? String(err));
}
