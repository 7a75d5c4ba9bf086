// Messages in Spanish (default) and English, from Fluent files (@grammyjs/i18n).
import { join } from 'node:path';
import { I18n } from '@grammyjs/i18n';

export type Lang = 'es' | 'en';
export const LANGS: readonly Lang[] = ['es', 'en'];

export interface Translator {
  t(lang: Lang, key: string, vars?: Record<string, string | number>): string;
}

export function createTranslator(): Translator {
  // useIsolating: Fluent wraps values in invisible bidi marks by default; they only confuse Telegram clients.
  const i18n = new I18n({ defaultLocale: 'es', fluentBundleOptions: { useIsolating: false } });
  i18n.loadLocalesDirSync(join(import.meta.dirname, 'locales'));
  return { t: (lang, key, vars) => i18n.t(lang, key, vars) };
}

/** The language for a Telegram language_code: Spanish unless the user's client is English. */
export function langOf(code: string | undefined): Lang {
  return code?.toLowerCase().startsWith('en') ? 'en' : 'es';
}
