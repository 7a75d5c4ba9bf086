// The fake Bot API: state, the listener, injection, recorded calls and faults, tied together.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BotCommand, Update } from '@grammyjs/types';
import { scopeKey } from './context.ts';
import type { Ctx } from './context.ts';
import { Faults } from './faults.ts';
import { FileStore } from './files.ts';
import {
  injectAlbum,
  injectCallback,
  injectCommand,
  injectDocument,
  injectPhoto,
  injectText,
  injectVideo,
} from './inject.ts';
import { Listener, route } from './server.ts';
import { MessageStore } from './store.ts';
import type { AlbumItem, Chat, FakeBotApi, FakeBotApiOptions, FakeFile, FakeUser, Fault, SentCall } from './types.ts';
import { UpdateQueue } from './updates.ts';

export const DEFAULT_TOKEN = '123456789:AAF-fake_Centinela_test_token_0123456';
const SENT_METHODS = new Set([
  'sendMessage',
  'sendDocument',
  'sendVideo',
  'sendPhoto',
  'sendMediaGroup',
  'editMessageText',
]);

interface Waiter {
  predicate: (call: SentCall) => boolean;
  resolve: (call: SentCall) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class Fake implements FakeBotApi {
  readonly token: string;
  mode: 'cloud' | 'local';
  readonly calls: SentCall[] = [];
  private readonly ctx: Ctx;
  private readonly faults = new Faults();
  private readonly listener: Listener;
  private readonly workDir: string;
  private readonly waiters = new Set<Waiter>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly held = new Set<ServerResponse>();
  private readonly requestCounts = new Map<string, number>();
  private isOffline = false;
  private closed = false;

  constructor(options: FakeBotApiOptions = {}) {
    this.token = options.token ?? DEFAULT_TOKEN;
    this.mode = options.mode ?? 'cloud';
    this.workDir = mkdtempSync(join(tmpdir(), 'fake-telegram-'));
    const uploadDir = join(this.workDir, 'uploads');
    mkdirSync(uploadDir);
    const filesDir = options.filesDir ? resolve(options.filesDir) : join(this.workDir, 'files');
    const botId = Number(/^(\d+):/.exec(this.token)?.[1] ?? 123456789);
    this.ctx = {
      token: this.token,
      bot: {
        id: botId,
        is_bot: true,
        first_name: 'Centinela Test',
        username: 'centinela_test_bot',
        can_join_groups: true,
        can_read_all_group_messages: false,
        supports_inline_queries: false,
        can_connect_to_business: false,
        has_main_web_app: false,
        has_topics_enabled: false,
        allows_users_to_create_topics: false,
        can_manage_bots: false,
        supports_guest_queries: false,
        supports_join_request_queries: false,
      },
      mode: () => this.mode,
      store: new MessageStore(),
      files: new FileStore(this.token, filesDir),
      updates: new UpdateQueue(),
      webhook: undefined,
      commands: new Map<string, BotCommand[]>(),
      callbacks: new Map<string, boolean>(),
    };
    const deps = {
      token: this.token,
      ctx: this.ctx,
      faults: this.faults,
      uploadDir,
      record: (call: SentCall) => this.record(call),
      count: (method: string) => this.requestCounts.set(method, (this.requestCounts.get(method) ?? 0) + 1),
      hold: (res: ServerResponse) => {
        this.held.add(res);
        res.on('close', () => this.held.delete(res));
      },
      later: (ms: number, fn: () => void) => {
        const t = setTimeout(() => {
          this.timers.delete(t);
          fn();
        }, ms);
        this.timers.add(t);
      },
    };
    this.listener = new Listener((req, res) => {
      route(req, res, deps).catch(() => res.destroy());
    });
  }

  async start(): Promise<this> {
    await this.listener.listen(0);
    return this;
  }

  get apiRoot(): string {
    return `http://${this.listener.host}:${this.listener.port}`;
  }

  text(from: FakeUser, text: string, chat?: Chat): Update {
    return injectText(this.ctx, from, text, chat);
  }
  command(from: FakeUser, command: string): Update {
    return injectCommand(this.ctx, from, command);
  }
  video(from: FakeUser, file: FakeFile, opts?: { caption?: string; mediaGroupId?: string; duration?: number }): Update {
    return injectVideo(this.ctx, from, file, opts);
  }
  document(from: FakeUser, file: FakeFile, opts?: { caption?: string; mediaGroupId?: string }): Update {
    return injectDocument(this.ctx, from, file, opts);
  }
  photo(from: FakeUser, file: FakeFile, opts?: { caption?: string; mediaGroupId?: string }): Update {
    return injectPhoto(this.ctx, from, file, opts);
  }
  album(from: FakeUser, items: AlbumItem[]): Update[] {
    return injectAlbum(this.ctx, from, items);
  }
  callback(from: FakeUser, data: string, messageId: number): Update {
    return injectCallback(this.ctx, from, data, messageId);
  }

  private record(call: SentCall): void {
    this.calls.push(call);
    for (const w of [...this.waiters]) {
      let hit: boolean;
      try {
        hit = w.predicate(call);
      } catch (err) {
        this.waiters.delete(w);
        clearTimeout(w.timer);
        w.reject(err instanceof Error ? err : new Error(String(err)));
        continue;
      }
      if (!hit) continue;
      this.waiters.delete(w);
      clearTimeout(w.timer);
      w.resolve(call);
    }
  }

  sent(chatId?: number): SentCall[] {
    return this.calls.filter(
      (c) =>
        SENT_METHODS.has(c.method) &&
        c.result !== undefined &&
        (chatId === undefined || Number(c.params.chat_id) === chatId),
    );
  }

  waitFor(predicate: (call: SentCall) => boolean, timeoutMs = 5000): Promise<SentCall> {
    const done = this.calls.find(predicate);
    if (done) return Promise.resolve(done);
    if (this.closed) return Promise.reject(new Error('fake Telegram is closed'));
    return new Promise<SentCall>((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          const last = this.calls.slice(-5).map((c) => `${c.method}(${JSON.stringify(c.params).slice(0, 120)})`);
          reject(
            new Error(
              `fake Telegram: no matching call within ${timeoutMs} ms; last calls: ${last.join('; ') || 'none'}`,
            ),
          );
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  fail(method: string, fault: Fault, times = 1): void {
    this.faults.add(method, fault, times);
  }

  heal(): void {
    this.faults.clear();
  }

  async offline(on: boolean): Promise<void> {
    if (on === this.isOffline) return;
    if (on) {
      this.isOffline = true;
      this.ctx.updates.close();
      await this.listener.stop();
    } else {
      await this.listener.listen(this.listener.port);
      this.isOffline = false;
    }
  }

  requests(method: string): number {
    return this.requestCounts.get(method) ?? 0;
  }

  get hanging(): number {
    return this.held.size;
  }

  messageText(chatId: number, messageId: number): string | undefined {
    return this.ctx.store.get(chatId, messageId)?.visible;
  }

  get polling(): boolean {
    return this.ctx.updates.waiting;
  }

  pendingUpdates(): Update[] {
    return this.ctx.updates.pending();
  }

  commands(scope?: Record<string, unknown>, languageCode?: string): BotCommand[] | undefined {
    return this.ctx.commands.get(scopeKey(scope, languageCode));
  }

  fileBytes(fileId: string): Buffer {
    return this.ctx.files.bytesSync(fileId);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.ctx.updates.close();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const res of this.held) res.destroy();
    await this.listener.stop();
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(new Error('fake Telegram closed'));
    }
    this.waiters.clear();
    rmSync(this.workDir, { recursive: true, force: true });
  }
}

export async function startFakeBotApi(options?: FakeBotApiOptions): Promise<FakeBotApi> {
  return new Fake(options).start();
}
