// parse_mode MarkdownV2 and (legacy) Markdown, close to tdlib: reserved characters must be escaped in MarkdownV2,
// entities must be closed, and errors name UTF-8 byte offsets. Not covered: `**>` expandable quotes, and tdlib's
// special cases for `___` runs.
import type { MessageEntity } from '@grammyjs/types';
import { badRequest } from './errors.ts';
import type { ApiError } from './errors.ts';
import type { Formatted } from './html.ts';

const RESERVED = '_*[]()~`>#+-=|{}.!';

type Kind = 'bold' | 'italic' | 'underline' | 'strikethrough' | 'spoiler' | 'text_link' | 'custom_emoji';
const NAMES: Record<Kind | 'code' | 'pre', string> = {
  bold: 'Bold',
  italic: 'Italic',
  underline: 'Underline',
  strikethrough: 'Strikethrough',
  spoiler: 'Spoiler',
  text_link: 'TextUrl',
  custom_emoji: 'CustomEmoji',
  code: 'Code',
  pre: 'Pre',
};

function fail(what: string): ApiError {
  return badRequest(`can't parse entities: ${what}`);
}

export function parseMarkdownV2(text: string): Formatted {
  const byteAt = (i: number): number => Buffer.byteLength(text.slice(0, i));
  let out = '';
  const entities: MessageEntity[] = [];
  const open: Array<{ kind: Kind; offset: number; begin: number }> = [];
  let quoteStart: number | undefined;
  let i = 0;
  const closeQuote = (): void => {
    if (quoteStart !== undefined && out.length > quoteStart)
      entities.push({ type: 'blockquote', offset: quoteStart, length: out.length - quoteStart });
    quoteStart = undefined;
  };
  while (i < text.length) {
    const c = text[i] ?? '';
    const atLineStart = i === 0 || text[i - 1] === '\n';
    if (c === '\\') {
      const next = text.charCodeAt(i + 1);
      if (next > 0 && next <= 126) {
        out += text[i + 1];
        i += 2;
        continue;
      }
    }
    if (c === '\n') {
      if (quoteStart !== undefined && text[i + 1] !== '>') closeQuote();
      out += c;
      i++;
      continue;
    }
    if (!RESERVED.includes(c)) {
      out += c;
      i++;
      continue;
    }
    if (c === '>' && atLineStart) {
      if (quoteStart === undefined) quoteStart = out.length;
      i++;
      continue;
    }
    if (c === '`') {
      const pre = text.startsWith('```', i);
      const begin = i;
      i += pre ? 3 : 1;
      let language: string | undefined;
      if (pre) {
        const nl = text.indexOf('\n', i);
        const first = nl >= 0 ? text.slice(i, nl) : '';
        if (nl >= 0 && first !== '' && !/\s/.test(first) && !first.includes('`')) {
          language = first;
          i = nl + 1;
        }
      }
      const offset = out.length;
      let closed = false;
      while (i < text.length) {
        if (text[i] === '\\' && (text[i + 1] === '`' || text[i + 1] === '\\')) {
          out += text[i + 1];
          i += 2;
        } else if (pre ? text.startsWith('```', i) : text[i] === '`') {
          i += pre ? 3 : 1;
          closed = true;
          break;
        } else out += text[i++];
      }
      if (!closed)
        throw fail(`Can't find end of ${NAMES[pre ? 'pre' : 'code']} entity at byte offset ${byteAt(begin)}`);
      if (out.length > offset) {
        if (pre)
          entities.push(
            language
              ? { type: 'pre', offset, length: out.length - offset, language }
              : { type: 'pre', offset, length: out.length - offset },
          );
        else entities.push({ type: 'code', offset, length: out.length - offset });
      }
      continue;
    }
    let kind: Kind | undefined;
    let width = 1;
    if (c === '*') kind = 'bold';
    else if (c === '_' && text[i + 1] === '_') [kind, width] = ['underline', 2];
    else if (c === '_') kind = 'italic';
    else if (c === '~') kind = 'strikethrough';
    else if (c === '|' && text[i + 1] === '|') [kind, width] = ['spoiler', 2];
    else if (c === '[') kind = 'text_link';
    else if (c === '!' && text[i + 1] === '[') [kind, width] = ['custom_emoji', 2];
    const top = open.at(-1);
    if (c === ']' && (top?.kind === 'text_link' || top?.kind === 'custom_emoji')) {
      open.pop();
      i++;
      let url = '';
      if (text[i] === '(') {
        i++;
        while (i < text.length && text[i] !== ')') {
          if (text[i] === '\\' && i + 1 < text.length) i++;
          url += text[i++];
        }
        if (text[i] !== ')') throw fail(`Can't find end of a URL at byte offset ${byteAt(i)}`);
        i++;
      }
      const length = out.length - top.offset;
      if (length > 0 && top.kind === 'text_link')
        entities.push({ type: 'text_link', offset: top.offset, length, url: url || out.slice(top.offset) });
      if (length > 0 && top.kind === 'custom_emoji') {
        entities.push({
          type: 'custom_emoji',
          offset: top.offset,
          length,
          custom_emoji_id: /id=(\d+)/.exec(url)?.[1] ?? '',
        });
      }
      continue;
    }
    if (kind === undefined || kind === 'text_link' || kind === 'custom_emoji') {
      if (kind === undefined) throw fail(`Character '${c}' is reserved and must be escaped with the preceding '\\'`);
      open.push({ kind, offset: out.length, begin: i });
      i += width;
      continue;
    }
    if (top?.kind === kind) {
      open.pop();
      if (out.length > top.offset) entities.push({ type: kind, offset: top.offset, length: out.length - top.offset });
    } else open.push({ kind, offset: out.length, begin: i });
    i += width;
  }
  closeQuote();
  const last = open.at(-1);
  if (last) throw fail(`Can't find end of ${NAMES[last.kind]} entity at byte offset ${byteAt(last.begin)}`);
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text: out, entities };
}

/** Legacy Markdown: *bold* _italic_ `code` ```pre``` [text](url), no nesting. */
export function parseMarkdown(text: string): Formatted {
  const byteAt = (i: number): number => Buffer.byteLength(text.slice(0, i));
  let out = '';
  const entities: MessageEntity[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === '\\' && '_*`['.includes(text[i + 1] ?? ' ')) {
      out += text[i + 1];
      i += 2;
      continue;
    }
    if (!'_*`['.includes(c)) {
      out += c;
      i++;
      continue;
    }
    const begin = i;
    const offset = out.length;
    if (c === '[') {
      const close = text.indexOf(']', i + 1);
      if (close < 0) throw fail(`Can't find end of the entity starting at byte offset ${byteAt(begin)}`);
      out += text.slice(i + 1, close);
      i = close + 1;
      let url = '';
      if (text[i] === '(') {
        const end = text.indexOf(')', i);
        if (end < 0) throw fail(`Can't find end of the entity starting at byte offset ${byteAt(begin)}`);
        url = text.slice(i + 1, end);
        i = end + 1;
      }
      if (out.length > offset && url) entities.push({ type: 'text_link', offset, length: out.length - offset, url });
      continue;
    }
    const marker = c === '`' && text.startsWith('```', i) ? '```' : c;
    const end = text.indexOf(marker, i + marker.length);
    if (end < 0) throw fail(`Can't find end of the entity starting at byte offset ${byteAt(begin)}`);
    out += text.slice(i + marker.length, end);
    i = end + marker.length;
    const length = out.length - offset;
    if (length === 0) continue;
    if (marker === '```') entities.push({ type: 'pre', offset, length });
    else if (c === '`') entities.push({ type: 'code', offset, length });
    else entities.push({ type: c === '*' ? 'bold' : 'italic', offset, length });
  }
  return { text: out, entities };
}
