// Telegram's HTML parse mode for callers that build messages, and the way back to plain text.
import { decodeEntities } from '../core/html-entities.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Escapes the four characters Telegram's HTML mode reads as markup: & < > ". */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ESCAPES[c] ?? c);
}

/** HTML a caller vouches for: `html` inserts it as it is. */
export interface TrustedHtml {
  readonly trustedHtml: string;
}

/** Marks already-built HTML (another `html` result, say) so that `html` does not escape it again. */
export function trusted(markup: string): TrustedHtml {
  return { trustedHtml: markup };
}

function isTrusted(value: unknown): value is TrustedHtml {
  return (
    typeof value === 'object' && value !== null && typeof (value as { trustedHtml?: unknown }).trustedHtml === 'string'
  );
}

function interpolate(value: unknown): string {
  if (isTrusted(value)) return value.trustedHtml;
  if (Array.isArray(value)) return value.map(interpolate).join('');
  if (value === null || value === undefined) return '';
  return escapeHtml(String(value));
}

/**
 * A tagged template for HTML messages: the literal parts are markup, every interpolated value is escaped
 * (arrays are joined, null and undefined are empty, `trusted(…)` goes in unescaped):
 * html`<b>${service}</b> is down: ${error}`.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += interpolate(values[i]) + (strings[i + 1] ?? '');
  return out;
}

// A start or end tag; quoted attribute values may hold '>'.
export const TAG = /<\/?[a-zA-Z][^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>/g;

/** Undoes Telegram's entities (&lt; &gt; &amp; &quot; and numeric ones): core's one decoder. */
export const unescapeHtml = decodeEntities;

/** The text a reader would see: tags dropped, entities decoded. */
export function htmlToPlain(markup: string): string {
  return unescapeHtml(markup.replace(TAG, ''));
}
