// What the intake needs from the outside, given to it by the composition root: the bot implements these for
// Telegram files, other sources (inbox folder, HTTP uploads) bring their own.
import type { FileRow } from './records.ts';

/** Where the bytes of a recorded file are: a path on this machine (local Bot API server) or a URL. */
export type FilePlan = { kind: 'local'; path: string } | { kind: 'url'; url: string };

export interface FileLocator {
  locate(file: FileRow, signal: AbortSignal): Promise<FilePlan>;
}

/** Messages to the person who sent a file, in their language, and alerts to the admins. */
export interface Notifier {
  /** Sends (or, with `edit`, edits) a message now, given up when `signal` aborts; returns its message id. For progress, which may be lost. */
  tell(
    chatId: number,
    lang: string,
    key: string,
    vars?: Record<string, string | number>,
    edit?: number,
    signal?: AbortSignal,
  ): Promise<number | undefined>;
  /**
   * Sends through the durable outbox: kept across crashes and outages, sent once per `dedupKey` (a receipt, a
   * summary). Given `db` (a transaction), the message is kept only if that transaction commits.
   */
  send(
    chatId: number,
    lang: string,
    key: string,
    vars: Record<string, string | number>,
    dedupKey: string,
    db?: unknown,
  ): Promise<void>;
  /** What `send` wrote in a transaction is committed now: send it without waiting for the next round. */
  committed?(): void;
  /** An admin alert from the locale files in the admins' language (`vars` are escaped); `dedupKey` makes a repeat a no-op. */
  alertAdmins(key: string, vars: Record<string, string | number>, dedupKey?: string): Promise<void>;
  /** A text from the locale files, for parts of a message (problem lines of a summary). */
  text(lang: string, key: string, vars?: Record<string, string | number>): string;
}
