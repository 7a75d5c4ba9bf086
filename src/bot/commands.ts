// Every command goes through one place that checks the caller's role. Later capabilities add theirs
// (/retry, /sync, /errors, /silence, /queue) with `register`.
import type { Api, Context } from 'grammy';
import type { Lang, Translator } from './i18n.ts';
import { LANGS } from './i18n.ts';
import type { BotUser, Role, Users } from './users.ts';

export interface CommandCall {
  ctx: Context;
  user: BotUser;
  lang: Lang;
  /** The text after the command. */
  args: string;
  t(key: string, vars?: Record<string, string | number>): string;
}

export interface BotCommand {
  name: string;
  /** Roles that may run it. */
  roles: readonly Role[];
  /** Fluent key of its one-line description in /help and the command menu. */
  description: string;
  run(call: CommandCall): Promise<void>;
}

export class Commands {
  readonly #list = new Map<string, BotCommand>();
  readonly #t: Translator;

  constructor(t: Translator) {
    this.#t = t;
  }

  register(command: BotCommand): void {
    if (this.#list.has(command.name)) throw new Error(`command /${command.name} is registered twice`);
    this.#list.set(command.name, command);
  }

  for(role: Role): BotCommand[] {
    return [...this.#list.values()].filter((c) => c.roles.includes(role));
  }

  /** Runs the command in `ctx` for `user`; answers the caller when the command is unknown or not theirs. */
  async handle(ctx: Context, user: BotUser): Promise<void> {
    const text = ctx.message?.text ?? '';
    const m = /^\/([a-z0-9_]+)(?:@\w+)?\s*([\s\S]*)$/i.exec(text);
    const lang = user.language;
    const t = (key: string, vars?: Record<string, string | number>): string => this.#t.t(lang, key, vars);
    const command = m ? this.#list.get((m[1] as string).toLowerCase()) : undefined;
    if (!m || !command) {
      await ctx.reply(t('unknown-command'));
      return;
    }
    if (!command.roles.includes(user.role)) {
      await ctx.reply(t('admin-only'));
      return;
    }
    await command.run({ ctx, user, lang, args: (m[2] ?? '').trim(), t });
  }

  /** The command menu per scope: each user sees the commands of their role; strangers see /start and /help. */
  async publish(api: Api, users: Users): Promise<void> {
    for (const lang of LANGS) {
      const publicCommands = [...this.#list.values()].filter((c) => c.name === 'start' || c.name === 'help');
      await api.setMyCommands(this.#menu(publicCommands, lang), { language_code: lang === 'es' ? undefined : lang });
    }
    for (const user of users.all()) {
      await api.setMyCommands(this.#menu(this.for(user.role), user.language), {
        scope: { type: 'chat', chat_id: user.id },
      });
    }
  }

  #menu(commands: BotCommand[], lang: Lang): Array<{ command: string; description: string }> {
    return commands.map((c) => ({ command: c.name, description: this.#t.t(lang, c.description) }));
  }
}
