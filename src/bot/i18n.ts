// Messages in Spanish (default) and English, from the Fluent files in src/locales.
import { langFor, messages } from '../locales/index.ts';
import type { Lang } from '../locales/index.ts';

export type { Lang } from '../locales/index.ts';
export { LANGS } from '../locales/index.ts';

export interface Translator {
  t(lang: Lang, key: string, vars?: Record<string, string | number>): string;
}

export function createTranslator(): Translator {
  return messages();
}

/** The language for a Telegram language_code: Spanish unless the user's client is English. */
export function langOf(code: string | undefined): Lang {
  return langFor(code);
}
