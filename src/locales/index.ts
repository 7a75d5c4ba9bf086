// The service's texts in Spanish (the default) and English, one Fluent file per language: the bot's messages,
// the invoice reasons in summaries and /review, /status. The bot, the pipelines and the CLI read them here.
import { loadMessages, readStored, renderAll } from '../core/messages.ts';
import type { Messages, Say } from '../core/messages.ts';

export type Lang = 'es' | 'en';
export const LANGS: readonly Lang[] = ['es', 'en'];

let loaded: Messages | undefined;

/** The texts, read once (on first use: the CLI and the service's start pay nothing until a text is needed). */
export function messages(): Messages {
  loaded ??= loadMessages(import.meta.dirname, LANGS);
  return loaded;
}

/** A supported language for any language code: English for "en…", else Spanish. */
export function langFor(code: string | null | undefined): Lang {
  return code?.toLowerCase().startsWith('en') ? 'en' : 'es';
}

/** Texts in one language, for renderers (see core/messages' render). */
export function sayIn(lang: string): Say {
  return (key, vars) => messages().t(lang, key, vars);
}

/** English: what the CLI, the HTTP API and the log show. */
export const english: Say = sayIn('en');

/** A text column (a reason) in English; null stays null. */
export function inEnglish(stored: string | null): string | null {
  return stored === null ? null : renderAll(readStored(stored), english);
}
