// The Telegram bot as a module: long polling with @grammyjs/runner (updates are confirmed before handlers
// finish; recording is idempotent, so a re-delivered update does nothing twice), auth, commands and intake.
import { timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { autoRetry } from '@grammyjs/auto-retry';
import { run } from '@grammyjs/runner';
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
import { Intake } from '../pipeline/intake/index.ts';
import type { StatusReport } from '../status.ts';
import { registerBuiltins } from './builtin-commands.ts';
import { handleCallback } from './callbacks.ts';
import { TELEGRAM_CONFLICT_EXIT_CODE, WEBHOOK_PATH, webhookSecret } from './constants.ts';
import { Commands } from './commands.ts';
import { handleFileMessage } from './file-messages.ts';
import { createTranslator, langOf } from './i18n.ts';
import type { Translator } from './i18n.ts';
import { registerMaintenanceCommand } from './maintenance-command.ts';
import { lazyMonitorRecords, registerMonitorCommands } from './monitor-commands.ts';
import type { MonitorRecords } from './monitor-commands.ts';
import { Outbox, escapeHtml } from './outbox/index.ts';
import { TelegramFiles, TelegramNotifier } from './telegram-ports.ts';
import { Users, firstRefusalToday } from './users.ts';

const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

export interface BotDeps {
  config: Config;
  token: string;
  store: Store;
  queue: Queue;
  log: Log;
  status(): Promise<StatusReport>;
  /** Called when the bot cannot go on (409 Conflict); the service stops and exits with `code`. */
  fatal(code: number, reason: string): void;
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
  /** Incidents and silences for /errors, /silence, … and the alert buttons; made on first use. */
  readonly #monitor: () => MonitorRecords;
  #runner: RunnerHandle | null = null;
  #ready = false;
  #state: ModuleStatus = { state: 'starting' };

  constructor(deps: BotDeps) {
    this.#d = deps;
    this.#log = deps.log.for('bot');
    this.#t = createTranslator();
    this.#users = new Users(deps.config.telegram.users);
    this.intake = new Intake(deps.config, deps.store, deps.queue);
    this.commands = new Commands(this.#t);
    this.#monitor = lazyMonitorRecords(deps.store, join(deps.config.paths.logs, 'incidents.jsonl'), this.#log);
    this.#bot = new Bot(deps.token, { client: { apiRoot: deps.config.telegram.api_root } });
    // The outbox owns its retries: its Api has no auto-retry, so a 429 never blocks the sending loop.
    this.outbox = new Outbox({
      store: deps.store,
      api: new Api(deps.token, { apiRoot: deps.config.telegram.api_root }),
      log: deps.log.for('outbox'),
      fallbackWebhook: deps.config.alerts.fallback_webhook,
      fallbackAfterMs: deps.config.alerts.fallback_after_seconds * 1000,
    });
  }

  async start(): Promise<void> {
    const { config, token } = this.#d;
    const bot = this.#bot;
    bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60 }));
    const notifier = new TelegramNotifier(bot.api, this.#t, this.outbox, config.telegram.admin_chats);
    registerBuiltins(this.commands, this.intake, this.#d.status, this.#d.store, this.#d.queue);
    registerMonitorCommands(this.commands, this.#monitor, this.#log);
    registerMaintenanceCommand(this.commands, this.#d.store, config.monitor, this.#log);
    this.#routes(bot, notifier);

    try {
      bot.botInfo = await bot.api.getMe();
    } catch (err) {
      this.#state = { state: 'degraded', detail: `getMe failed: ${describe(err)}` };
      this.#log.error({ err }, 'cannot reach the Bot API with this token: Telegram intake is off until restart');
      this.outbox.start(); // alerts still wait in the outbox and go out when Telegram answers
      return;
    }
    await this.commands.publish(bot.api, this.#users).catch((err: unknown) => this.#log.warn({ err }, 'could not set the command menus'));
    this.intake.work(new TelegramFiles(bot.api, token, config.telegram), notifier);
    this.outbox.start();
    if (config.telegram.webhook_url) {
      await bot.api.setWebhook(config.telegram.webhook_url, { secret_token: webhookSecret(token), allowed_updates: [...ALLOWED_UPDATES] });
    } else {
      this.#runner = run(bot, { runner: { silent: true, fetch: { allowed_updates: [...ALLOWED_UPDATES] } } });
      void this.#runner.task()?.catch((err: unknown) => this.#pollingFailed(err));
    }
    this.#ready = true;
    this.#state = {
      state: 'running',
      detail: `@${bot.botInfo.username}, ${config.telegram.webhook_url ? 'webhook' : 'long polling'}${config.telegram.local_mode ? ', local Bot API server' : ''}`,
    };
    this.#log.info({ bot: bot.botInfo.username, api_root: config.telegram.api_root, local_mode: config.telegram.local_mode }, 'Telegram intake on');
  }

  /**
   * Webhook mode: Telegram POSTs updates to /telegram/webhook on the control API (behind an HTTPS proxy at
   * telegram.webhook_url), proving itself with the secret token given to setWebhook.
   */
  webhookRoutes(app: FastifyInstance): void {
    const secret = Buffer.from(webhookSecret(this.#d.token));
    app.post(WEBHOOK_PATH, async (req, reply) => {
      const given = Buffer.from(String(req.headers['x-telegram-bot-api-secret-token'] ?? ''));
      if (given.length !== secret.length || !timingSafeEqual(given, secret)) return reply.code(401).send({ error: 'wrong secret token' });
      if (!this.#ready) return reply.code(503).send({ error: 'the bot is starting' }); // Telegram retries later
      const update = req.body as Update;
      if (typeof update?.update_id !== 'number') return reply.code(400).send({ error: 'not a Telegram update' });
      await this.#bot.handleUpdate(update);
      return { ok: true };
    });
  }

  async stop(): Promise<void> {
    this.#ready = false;
    if (this.#runner?.isRunning()) await this.#runner.stop();
    await this.outbox.stop();
    this.#state = { state: 'stopped' };
  }

  status(): ModuleStatus {
    return this.#state;
  }

  #routes(bot: Bot, notifier: TelegramNotifier): void {
    const { config } = this.#d;
    bot.catch((err) => this.#log.error({ err: err.error, request_id: `u-${err.ctx.update.update_id}` }, 'update handler failed'));
    bot.use(async (ctx, next) => {
      const chat = ctx.chat;
      // Groups only if listed; elsewhere stay silent (a bot added to a random group must not chatter). An admin
      // group gets the alerts, so presses on their buttons count there too.
      const listed = config.telegram.groups.includes(chat?.id ?? 0) || (ctx.callbackQuery !== undefined && config.telegram.admin_chats.includes(chat?.id ?? 0));
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
      await handleCallback(ctx, user, { records: this.#monitor, t: this.#t, log, store: this.#d.store, dataDir: this.#d.config.paths.data });
    });
    bot.on('message:text', async (ctx) => {
      const user = this.#users.get(ctx.from.id);
      if (!user) return;
      if (ctx.message.text.startsWith('/')) await this.commands.handle(ctx, user);
      else await ctx.reply(this.#t.t(user.language, 'send-files'));
    });
    bot.on(['message:video', 'message:document', 'message:photo'], async (ctx) => {
      const user = this.#users.get(ctx.from.id);
      if (!user) return;
      const log = this.#log.child({ request_id: `u-${ctx.update.update_id}` });
      await handleFileMessage(ctx, user, { config, intake: this.intake, notifier, t: this.#t, log });
    });
  }

  async #refuse(ctx: Context): Promise<void> {
    const from = ctx.from;
    if (!from) return;
    const name = [from.first_name, from.last_name].filter(Boolean).join(' ') + (from.username ? ` (@${from.username})` : '');
    const refusal = this.#t.t(langOf(from.language_code), 'refused', { id: String(from.id) });
    // A press on a button is answered where it was made (the spinner stops), not with a message in the chat.
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: refusal, show_alert: true });
    else if (ctx.chat?.type === 'private') await ctx.reply(refusal);
    if (await firstRefusalToday(this.#d.store, from.id, name)) {
      this.#log.warn({ user_id: from.id, name }, 'message from an unknown sender refused');
      await this.outbox.enqueueMany(this.#d.config.telegram.admin_chats, {
        text: `👤 Unknown sender refused: <b>${escapeHtml(name)}</b>, id <code>${from.id}</code>.\nTo let them in, add them to telegram.users.`,
        format: 'html',
        dedupKey: `refused:${from.id}:${new Date().toISOString().slice(0, 10)}`,
      });
    }
  }

  #pollingFailed(err: unknown): void {
    const conflict = err instanceof GrammyError && err.error_code === 409;
    if (!conflict) {
      this.#state = { state: 'degraded', detail: `polling stopped: ${describe(err)}` };
      this.#log.error({ err }, 'Telegram polling stopped');
      return;
    }
    const reason = `Telegram answered 409 Conflict: ${err.description}. Another instance polls with this token, or a webhook is set. Stop the other instance (or deleteWebhook), then start this one again.`;
    this.#state = { state: 'degraded', detail: '409 Conflict' };
    this.#log.error({ error: err.description }, reason);
    void this.#alertThenExit(reason);
  }

  /** The alert is durable in the outbox; give it a few seconds to go out before the process exits. */
  async #alertThenExit(reason: string): Promise<void> {
    try {
      const ids = await this.outbox.enqueueMany(this.#d.config.telegram.admin_chats, {
        text: `🔴 <b>Centinela stopped its Telegram intake</b>\n${escapeHtml(reason)}`,
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
  return err instanceof GrammyError ? `${err.error_code} ${err.description}` : (err as Error)?.message ?? String(err);
}
