// What a caption must be before it is published: not empty, within Telegram's caption limit with its hashtags, free
// of the creator's banned words. Captions are plain text, escaped when sent as HTML, so they are always valid
// Telegram HTML: a "<b>" the model writes is shown as written, never parsed.
import { escapeHtml } from '../../../outbox/index.ts';

/** Telegram's caption limit (characters after entity parsing). Counted in UTF-16 units, which never undercounts. */
export const CAPTION_LIMIT = 1024;

/** Lower case, accents and other marks taken off: "CAFÉ" and "cafe" are one word. */
export function foldWord(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** The banned words found in `text`, as whole words (or phrases) whatever their case or accents. */
export function bannedIn(text: string, banned: readonly string[]): string[] {
  const folded = ` ${foldWord(text).replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
  return banned.filter((word) => {
    const w = foldWord(word)
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
    return w !== '' && folded.includes(` ${w} `);
  });
}

/** '#Viaje', 'viaje', '# viaje ' → '#viaje' kept as written but one word; empty ones dropped; the same tag once. */
export function normalizeHashtags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of tags) {
    const word = raw.replace(/^#+/, '').replace(/[^\p{L}\p{N}_]+/gu, '');
    if (word === '') continue;
    const key = foldWord(word);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(`#${word}`);
  }
  return out;
}

/** The text to publish: the caption, a blank line, the hashtags (each checked against the banned words). */
export function compose(caption: string, hashtags: readonly string[]): string {
  const body = caption.trim();
  const tags = hashtags.join(' ');
  return tags === '' ? body : body === '' ? tags : `${body}\n\n${tags}`;
}

export function fits(caption: string, hashtags: readonly string[]): boolean {
  return compose(caption, hashtags).length <= CAPTION_LIMIT;
}

/**
 * Within the limit by cutting: hashtags go from the end while they alone leave no room, then the caption is cut at
 * the last space that fits, with an ellipsis.
 */
export function cutToFit(caption: string, hashtags: readonly string[]): { caption: string; hashtags: string[] } {
  const tags = [...hashtags];
  const room = (): number => CAPTION_LIMIT - (tags.length > 0 ? tags.join(' ').length + 2 : 0);
  while (tags.length > 0 && room() < 80) tags.pop();
  let body = caption.trim();
  const max = room();
  if (body.length > max) {
    const head = body.slice(0, max - 1);
    const space = head.search(/\s\S*$/);
    body = (space > max / 2 ? head.slice(0, space) : Array.from(head).join('')).trimEnd();
    // A cut inside a surrogate pair leaves half a character: drop it.
    if (/[\uD800-\uDBFF]$/.test(body)) body = body.slice(0, -1);
    body = `${body.replace(/[\s.,;:!?¡¿-]+$/u, '')}…`;
  }
  return { caption: body, hashtags: tags };
}

export function toHtml(text: string): string {
  return escapeHtml(text);
}
