// The service's texts in Spanish (the default) and English, one Fluent file per language: the bot's messages,
// the invoice reasons in summaries and /review, /status. The bot, the pipelines and the CLI read them here.
import { loadMessages } from '../core/messages.ts';
import type { Messages } from '../core/messages.ts';

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
