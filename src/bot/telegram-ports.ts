// The intake's ports over Telegram: where a file's bytes are (getFile), and messages to senders and admins.
import { isAbsolute } from 'node:path';
import { GrammyError } from 'grammy';
import type { Api } from 'grammy';
import type { Config } from '../core/config.ts';
import { PermanentError } from '../core/queue/index.ts';
import { remapPath } from '../pipeline/intake/index.ts';
import type { FileLocator, FilePlan, FileRow, Notifier } from '../pipeline/intake/index.ts';
import type { Lang, Translator } from './i18n.ts';
import { escapeHtml } from '../outbox/index.ts';
import type { Outbox } from '../outbox/index.ts';

export class TelegramFiles implements FileLocator {
  readonly #api: Api;
  readonly #token: string;
  readonly #config: Config['telegram'];

  constructor(api: Api, token: string, config: Config['telegram']) {
    this.#api = api;
    this.#token = token;
    this.#config = config;
  }

  async locate(file: FileRow, signal: AbortSignal): Promise<FilePlan> {
    if (!file.file_id) throw new PermanentError(`file ${file.id} has no Telegram file_id`);
    let path: string | undefined;
    try {
      // A local Bot API server may take minutes to fetch a large file before it answers.
      // grammY types its signal with the abort-controller shim; Node's AbortSignal is what it uses at run time.
      path = (await this.#api.getFile(file.file_id, signal as unknown as Parameters<Api['getFile']>[1])).file_path;
    } catch (err) {
      if (err instanceof GrammyError && /file is too big/i.test(err.description)) {
        throw new PermanentError(
          'Telegram refuses to give bots files over 20 MB: set up a local Bot API server (telegram.local_mode)',
        );
      }
      throw err;
    }
    if (!path) throw new Error('getFile answered without a file_path; Telegram may still be preparing the file');
    if (this.#config.local_mode) {
      if (!isAbsolute(path)) {
        throw new PermanentError(
          'telegram.local_mode is true but the Bot API server gave a relative file path: is it running with --local?',
        );
      }
      return { kind: 'local', path: remapPath(path, this.#config.local_path_remap) };
    }
    // The URL holds the bot token: it goes only to the downloader, which never logs it.
    return { kind: 'url', url: `${this.#config.api_root}/file/bot${this.#token}/${path}` };
  }
}

export class TelegramNotifier implements Notifier {
  readonly #api: Api;
  readonly #t: Translator;
  readonly #outbox: Outbox;
  readonly #adminChats: readonly number[];
  readonly #adminLang: Lang;

  constructor(api: Api, t: Translator, outbox: Outbox, adminChats: readonly number[], adminLang: Lang) {
    this.#adminLang = adminLang;
    this.#api = api;
    this.#t = t;
    this.#outbox = outbox;
    this.#adminChats = adminChats;
  }

  async tell(
    chatId: number,
    lang: string,
    key: string,
    vars?: Record<string, string | number>,
    edit?: number,
    signal?: AbortSignal,
  ): Promise<number | undefined> {
    const text = this.#t.t((lang === 'en' ? 'en' : 'es') satisfies Lang, key, vars);
    // grammY types its signal with the abort-controller shim; Node's AbortSignal is what it uses at run time.
    const sig = signal as unknown as Parameters<Api['sendMessage']>[3];
    if (edit !== undefined) {
      try {
        await this.#api.editMessageText(chatId, edit, text, undefined, sig);
      } catch (err) {
        if (!(err instanceof GrammyError && /message is not modified/i.test(err.description))) throw err;
      }
      return edit;
    }
    return (await this.#api.sendMessage(chatId, text, undefined, sig)).message_id;
  }

  async send(
    chatId: number,
    lang: string,
    key: string,
    vars: Record<string, string | number>,
    dedupKey: string,
    db?: unknown,
  ): Promise<void> {
    const text = this.#t.t((lang === 'en' ? 'en' : 'es') satisfies Lang, key, vars);
    await this.#outbox.enqueue({ chatId, text, format: 'plain', dedupKey }, db as Parameters<Outbox['enqueue']>[1]);
  }

  committed(): void {
    this.#outbox.poke();
  }

  async alertAdmins(key: string, vars: Record<string, string | number>, dedupKey?: string): Promise<void> {
    const safe = Object.fromEntries(
      Object.entries(vars).map(([k, v]) => [k, typeof v === 'string' ? escapeHtml(v) : v]),
    );
    await this.#outbox.enqueueMany(this.#adminChats, {
      text: this.#t.t(this.#adminLang, key, safe),
      format: 'html',
      dedupKey,
    });
  }

  text(lang: string, key: string, vars?: Record<string, string | number>): string {
    return this.#t.t(lang === 'en' ? 'en' : 'es', key, vars);
  }
}
