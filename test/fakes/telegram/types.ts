// Public types of the fake Telegram Bot API (see index.ts).
import type { Update } from '@grammyjs/types';

export interface FakeUser {
  id: number;
  first_name: string;
  username?: string;
  language_code?: string;
}

/** A file a user sends. Give `bytes`, or `path` (a real file, served without copying: for big files). */
export interface FakeFile {
  bytes?: Buffer;
  path?: string;
  fileName?: string;
  mimeType?: string;
}

/** One API call the bot made. `result` is set when the call succeeded, `error` when it was answered with an error. */
export interface SentCall {
  method: string;
  params: Record<string, unknown>;
  /** Date.now() when the request arrived. */
  at: number;
  result?: unknown;
  error?: { error_code: number; description: string };
}

/**
 * A file the bot uploaded, as it appears in `SentCall.params` in place of the multipart field
 * (`params.document`, `params.video`, ...). The bytes are in `path` (a file in the fake's work folder).
 */
export interface UploadedFile {
  kind: 'upload';
  fileName: string;
  mimeType?: string;
  size: number;
  path: string;
  /** The file_id the fake gave the uploaded file (also in the call's result). */
  fileId?: string;
}

export interface FakeBotApiOptions {
  token?: string;
  mode?: 'cloud' | 'local';
  /** Where local-mode files live (`<filesDir>/<token>/videos/...`); default a temp folder removed by close(). */
  filesDir?: string;
}

export type Fault =
  | { status: 429; retryAfter: number }
  | { status: 500 | 502 | 400 | 401 | 403 | 409; description?: string }
  /** A reverse proxy (nginx) in front of a local Bot API server that is down: its HTML error page, not JSON. */
  | { status: 502 | 503 | 504; html: true }
  /** No answer at all, until the fake closes: a hung server or proxy. */
  | { timeout: true }
  /** A slow server: the call is carried out after `stallMs`, even if the client has gone (as Telegram does). */
  | { stallMs: number };

export type Chat = { id: number; type: 'private' | 'group' | 'supergroup' };

export type AlbumItem = { kind: 'photo' | 'document' | 'video'; file: FakeFile };

export interface FakeBotApi {
  /** e.g. http://127.0.0.1:PORT (grammY: new Bot(token, { client: { apiRoot } })). */
  readonly apiRoot: string;
  readonly token: string;
  mode: 'cloud' | 'local';

  text(from: FakeUser, text: string, chat?: Chat): Update;
  command(from: FakeUser, command: string): Update;
  video(from: FakeUser, file: FakeFile, opts?: { caption?: string; mediaGroupId?: string; duration?: number }): Update;
  document(from: FakeUser, file: FakeFile, opts?: { caption?: string; mediaGroupId?: string }): Update;
  photo(from: FakeUser, file: FakeFile, opts?: { caption?: string; mediaGroupId?: string }): Update;
  album(from: FakeUser, items: AlbumItem[]): Update[];
  callback(from: FakeUser, data: string, messageId: number): Update;

  /** Every API call except getUpdates, in the order they were answered. */
  readonly calls: SentCall[];
  /** Successful sendMessage/sendDocument/sendVideo/sendPhoto/sendMediaGroup/editMessageText calls, optionally for one chat. */
  sent(chatId?: number): SentCall[];
  /** The first call (already made, or to come) that matches; rejects after timeoutMs (default 5000). */
  waitFor(predicate: (call: SentCall) => boolean, timeoutMs?: number): Promise<SentCall>;

  /** The next `times` (default 1) calls of `method` ('*': any method) get `fault` instead of their answer. */
  fail(method: string, fault: Fault, times?: number): void;
  /** Disarms every fault not yet used: the server is well again. */
  heal(): void;
  /** true: stop listening and drop every connection; false: listen again on the same port. */
  offline(on: boolean): Promise<void>;

  /** The visible text (or caption) of a message after edits; undefined if unknown or deleted. */
  messageText(chatId: number, messageId: number): string | undefined;
  /** Requests of `method` that reached the server so far, answered, failed or held (getUpdates too). */
  requests(method: string): number;
  /** Requests held unanswered by a `timeout` fault right now. */
  readonly hanging: number;
  /** A long poll (getUpdates with a timeout) is waiting for an update: the bot is listening. */
  readonly polling: boolean;
  /** Updates queued and not yet confirmed by a getUpdates offset. */
  pendingUpdates(): Update[];
  /** Commands set with setMyCommands, per scope (JSON of the scope, plus `|lang` when a language_code was given). */
  commands(
    scope?: Record<string, unknown>,
    languageCode?: string,
  ): Array<{ command: string; description: string }> | undefined;
  /** The bytes of a file the fake knows (injected or uploaded) by its file_id. */
  fileBytes(fileId: string): Buffer;
  close(): Promise<void>;
}
