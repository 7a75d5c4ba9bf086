// parse_mode HTML as Telegram (tdlib) parses it: the supported tags only, closed in order, the entities &lt; &gt;
// &amp; &quot; and numeric ones. Errors carry tdlib's words and UTF-8 byte offsets; the result is the visible text
// with MessageEntity offsets in UTF-16 code units.
import type { MessageEntity } from '@grammyjs/types';
import { badRequest } from './errors.ts';
import type { ApiError } from './errors.ts';

const TAGS = new Set([
  'a',
  'b',
  'strong',
  'i',
  'em',
  's',
  'strike',
  'del',
  'u',
  'ins',
  'tg-spoiler',
  'tg-emoji',
  'tg-time',
  'span',
  'pre',
  'code',
  'blockquote',
]);

export interface Formatted {
  text: string;
  entities: MessageEntity[];
}

interface Open {
  tag: string;
  attrs: Record<string, string>;
  offset: number;
}

function fail(what: string): ApiError {
  return badRequest(`can't parse entities: ${what}`);
}

const isSpace = (c: string | undefined): boolean =>
  c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';

/** Decodes an HTML entity at `i` (text[i] === '&'); undefined when it is none tdlib knows (then '&' is literal). */
function decodeEntity(text: string, i: number): { ch: string; end: number } | undefined {
  let end = i + 1;
  let code: number;
  if (text[end] === '#') {
    end++;
    const hex = text[end] === 'x';
    if (hex) end++;
    const start = end;
    while (end < text.length && (hex ? /[0-9a-fA-F]/ : /[0-9]/).test(text[end] ?? '')) end++;
    code = Number.parseInt(text.slice(start, end) || '0', hex ? 16 : 10);
    if (!code || code >= 0x10ffff || end - i >= 10 || (code >= 0xd800 && code <= 0xdfff)) return undefined;
  } else {
    while (end < text.length && /[a-zA-Z]/.test(text[end] ?? '')) end++;
    const names: Record<string, number> = { lt: 60, gt: 62, amp: 38, quot: 34 };
    const found = names[text.slice(i + 1, end)];
    if (found === undefined) return undefined;
    code = found;
  }
  if (text[end] === ';') end++;
  return { ch: String.fromCodePoint(code), end };
}

export function parseHtml(text: string): Formatted {
  const byteAt = (i: number): number => Buffer.byteLength(text.slice(0, i));
  let out = '';
  const entities: MessageEntity[] = [];
  const open: Open[] = [];
  const codeLanguage = new WeakMap<MessageEntity, string>();
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '&') {
      const e = decodeEntity(text, i);
      if (e) {
        out += e.ch;
        i = e.end;
        continue;
      }
    }
    if (c !== '<') {
      out += c;
      i++;
      continue;
    }
    const begin = i++;
    if (text[i] !== '/') {
      while (i < text.length && !isSpace(text[i]) && text[i] !== '>') i++;
      if (i >= text.length) throw fail(`Unclosed start tag at byte offset ${byteAt(begin)}`);
      const tag = text.slice(begin + 1, i).toLowerCase();
      if (!TAGS.has(tag)) throw fail(`Unsupported start tag "${tag}" at byte offset ${byteAt(begin)}`);
      const attrs: Record<string, string> = {};
      while (text[i] !== '>') {
        while (i < text.length && isSpace(text[i])) i++;
        if (text[i] === '>') break;
        const nameStart = i;
        while (i < text.length && !isSpace(text[i]) && text[i] !== '=' && text[i] !== '>') i++;
        const name = text.slice(nameStart, i).toLowerCase();
        if (i >= text.length) throw fail(`Unclosed start tag at byte offset ${byteAt(begin)}`);
        if (name === '') throw fail(`Empty attribute name in the tag "${tag}" at byte offset ${byteAt(begin)}`);
        while (i < text.length && isSpace(text[i])) i++;
        if (text[i] !== '=') {
          // A valueless attribute (`<blockquote expandable>`).
          attrs[name] = '';
          continue;
        }
        i++;
        while (i < text.length && isSpace(text[i])) i++;
        if (i >= text.length) throw fail(`Unclosed start tag "${tag}" at byte offset ${byteAt(begin)}`);
        let value = '';
        const q = text[i];
        if (q === '"' || q === "'") {
          i++;
          while (i < text.length && text[i] !== q) {
            const e = text[i] === '&' ? decodeEntity(text, i) : undefined;
            if (e) {
              value += e.ch;
              i = e.end;
            } else value += text[i++];
          }
          if (text[i] === q) i++;
        } else {
          const start = i;
          while (i < text.length && /[a-zA-Z0-9.-]/.test(text[i] ?? '')) i++;
          value = text.slice(start, i).toLowerCase();
          if (i < text.length && !isSpace(text[i]) && text[i] !== '>')
            throw fail(`Unexpected end of name token at byte offset ${byteAt(start)}`);
        }
        if (i >= text.length) throw fail(`Unclosed start tag at byte offset ${byteAt(begin)}`);
        attrs[name] = value;
      }
      if (tag === 'span' && attrs.class !== 'tg-spoiler') throw fail('Tag "span" must have class "tg-spoiler"');
      if (tag === 'tg-emoji' && !attrs['emoji-id']) throw fail('Custom emoji entity must contain a tg://emoji URL');
      open.push({ tag, attrs, offset: out.length });
      i++;
      continue;
    }
    // An end tag.
    if (open.length === 0) throw fail(`Unexpected end tag at byte offset ${byteAt(begin)}`);
    while (i < text.length && !isSpace(text[i]) && text[i] !== '>') i++;
    const name = text.slice(begin + 2, i).toLowerCase();
    while (i < text.length && isSpace(text[i])) i++;
    if (text[i] !== '>') throw fail(`Unclosed end tag at byte offset ${byteAt(begin)}`);
    const top = open.pop();
    if (!top) throw fail(`Unexpected end tag at byte offset ${byteAt(begin)}`);
    if (name !== '' && name !== top.tag) {
      throw fail(`Unmatched end tag at byte offset ${byteAt(begin)}, expected "</${top.tag}>", found "</${name}>"`);
    }
    i++;
    const length = out.length - top.offset;
    if (length > 0) {
      const entity = toEntity(top, length, out);
      const inner = entities.at(-1);
      if (entity?.type === 'pre' && inner?.type === 'code' && inner.offset === top.offset && inner.length === length) {
        // <pre><code class="language-x">: one pre entity with a language.
        entities.pop();
        const language = codeLanguage.get(inner);
        entities.push(language ? { ...entity, language } : entity);
      } else if (entity) {
        if (entity.type === 'code' && top.attrs.class?.startsWith('language-'))
          codeLanguage.set(entity, top.attrs.class.slice(9));
        entities.push(entity);
      }
    }
  }
  const last = open.at(-1);
  if (last) throw fail(`Can't find end tag corresponding to start tag "${last.tag}"`);
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text: out, entities };
}

function toEntity(open: Open, length: number, out: string): MessageEntity | undefined {
  const { tag, attrs, offset } = open;
  switch (tag) {
    case 'b':
    case 'strong':
      return { type: 'bold', offset, length };
    case 'i':
    case 'em':
      return { type: 'italic', offset, length };
    case 'u':
    case 'ins':
      return { type: 'underline', offset, length };
    case 's':
    case 'strike':
    case 'del':
      return { type: 'strikethrough', offset, length };
    case 'tg-spoiler':
    case 'span':
      return { type: 'spoiler', offset, length };
    case 'code':
      return { type: 'code', offset, length };
    case 'pre':
      return { type: 'pre', offset, length };
    case 'blockquote':
      return 'expandable' in attrs
        ? { type: 'expandable_blockquote', offset, length }
        : { type: 'blockquote', offset, length };
    case 'tg-emoji':
      return { type: 'custom_emoji', offset, length, custom_emoji_id: attrs['emoji-id'] ?? '' };
    case 'a': {
      const url = attrs.href || out.slice(offset);
      const user = /^tg:\/\/user\?id=(\d+)$/.exec(url);
      if (user)
        return { type: 'text_mention', offset, length, user: { id: Number(user[1]), is_bot: false, first_name: '' } };
      return { type: 'text_link', offset, length, url };
    }
    default:
      return undefined;
  }
}
