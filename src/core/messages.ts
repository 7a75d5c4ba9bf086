// Texts for people from Fluent files (`<lang>.ftl` in one folder), on @fluent/bundle alone: the bot, the
// pipelines' summaries and the CLI share it without loading grammY (@grammyjs/i18n wraps the same library).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as Fluent from '@fluent/bundle';

// Loaded with the first texts read, not at start: a service without the bot may never need it (idle RSS).
const require = createRequire(import.meta.url);

export type MessageVars = Record<string, string | number>;

export interface Messages {
  /** The message in `lang`, else in the fallback language, else `{key}` (a missing key shows, never throws). */
  t(lang: string, key: string, vars?: MessageVars): string;
}

/** Reads `<lang>.ftl` for each language of `langs` from `dir`; the first language is the fallback. */
export function loadMessages(dir: string, langs: readonly string[]): Messages {
  const { FluentBundle, FluentResource } = require('@fluent/bundle') as typeof Fluent;
  const bundles = new Map<string, Fluent.FluentBundle>();
  for (const lang of langs) {
    // useIsolating: Fluent wraps values in invisible bidi marks by default; they only confuse Telegram clients and terminals.
    const bundle = new FluentBundle(lang, { useIsolating: false });
    const errors = bundle.addResource(new FluentResource(readFileSync(join(dir, `${lang}.ftl`), 'utf8')));
    if (errors.length > 0) throw new Error(`${join(dir, `${lang}.ftl`)}: ${errors.map((e) => e.message).join('; ')}`);
    bundles.set(lang, bundle);
  }
  const fallback = bundles.get(langs[0] ?? '');
  return {
    t(lang, key, vars) {
      for (const bundle of [bundles.get(lang), fallback]) {
        const message = bundle?.getMessage(key);
        // An errors list: a missing variable shows as {$name} instead of throwing.
        if (bundle && message?.value) return bundle.formatPattern(message.value, vars, []);
      }
      return `{${key}}`;
    },
  };
}

/** A text kept to be shown later in its reader's language: a message key and its variables (which may be texts too). */
export interface MessageRef {
  key: string;
  vars?: Record<string, string | number | MessageRef | StoredText[]>;
}

/** A text as kept in the store: a message to render, or words kept as written (older rows, a person's note). */
export type StoredText = MessageRef | string;

/** A message in one language: what renderers are given (`(key, vars) => messages.t(lang, key, vars)`). */
export type Say = (key: string, vars?: MessageVars) => string;

const isRef = (v: unknown): v is MessageRef =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as MessageRef).key === 'string';

/** For a text column: one message as JSON, several as a JSON array, words as they are; null for none. */
export function storeTexts(texts: readonly StoredText[]): string | null {
  if (texts.length === 0) return null;
  const [only] = texts;
  if (texts.length === 1 && only !== undefined) return typeof only === 'string' ? only : JSON.stringify(only);
  return JSON.stringify(texts);
}

/** A text column's value (see storeTexts); text that is not such JSON is words kept as written (older rows). */
export function readStored(stored: string): StoredText[] {
  if (!stored.startsWith('{') && !stored.startsWith('[')) return [stored];
  try {
    const parsed: unknown = JSON.parse(stored);
    if (isRef(parsed)) return [parsed];
    if (Array.isArray(parsed) && parsed.every((p) => typeof p === 'string' || isRef(p))) return parsed as StoredText[];
  } catch {
    // words that happen to start like JSON
  }
  return [stored];
}

/** The text in the reader's language; words kept as written stay as they are. */
export function render(text: StoredText, say: Say): string {
  if (typeof text === 'string') return text;
  const vars: MessageVars = {};
  for (const [name, value] of Object.entries(text.vars ?? {})) {
    vars[name] = Array.isArray(value) ? renderAll(value, say) : isRef(value) ? render(value, say) : value;
  }
  return say(text.key, vars);
}

/** Several texts in the reader's language, on one line. */
export function renderAll(texts: readonly StoredText[], say: Say, separator = '; '): string {
  return texts.map((t) => render(t, say)).join(separator);
}
