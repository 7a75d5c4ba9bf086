// What method handlers share: the fake's state.
import type { BotCommand, UserFromGetMe } from '@grammyjs/types';
import type { FileStore } from './files.ts';
import type { Params } from './params.ts';
import type { MessageStore } from './store.ts';
import type { UpdateQueue } from './updates.ts';

export interface Webhook {
  url: string;
  maxConnections: number;
  allowedUpdates?: unknown;
  secretToken?: string;
}

export interface Ctx {
  token: string;
  bot: UserFromGetMe;
  mode(): 'cloud' | 'local';
  store: MessageStore;
  files: FileStore;
  updates: UpdateQueue;
  webhook: Webhook | undefined;
  /** setMyCommands, by scopeKey(). */
  commands: Map<string, BotCommand[]>;
  /** Callback query ids sent to the bot, and whether each was answered. */
  callbacks: Map<string, boolean>;
}

export interface RequestInfo {
  /** Registers what to do if the client goes away before the answer (long polls). */
  onAbort(cancel: () => void): void;
}

/** A successful answer that also carries Telegram's top-level `description` (setWebhook, deleteWebhook). */
export class Answer {
  readonly result: unknown;
  readonly description: string;

  constructor(result: unknown, description: string) {
    this.result = result;
    this.description = description;
  }
}

export type Handler = (p: Params, ctx: Ctx, req: RequestInfo) => unknown;

/** The key setMyCommands stores under: the scope as canonical JSON, and the language when there is one. */
export function scopeKey(scope: unknown, languageCode: string | undefined): string {
  const s = scope && typeof scope === 'object' ? scope : { type: 'default' };
  const sorted = Object.fromEntries(Object.entries(s).sort(([a], [b]) => a.localeCompare(b)));
  return `${JSON.stringify(sorted)}|${languageCode ?? ''}`;
}
