// Telegram takes at most 4,096 characters a message. A longer one becomes several, cut at line breaks. HTML stays
// valid in every part: tags open at a cut are closed before it and opened again after it, and no cut falls inside
// a tag or an entity. A single line too long for one message is sent as plain text, hard-split.
import { TAG, htmlToPlain } from './html.ts';
import type { MessageFormat } from './types.ts';

export const MAX_MESSAGE_LENGTH = 4096;
/** A hard split looks this far back for a space to cut at. */
const WORD_WINDOW = 200;

export interface MessagePart {
  text: string;
  format: MessageFormat;
}

export function splitMessage(text: string, format: MessageFormat, limit = MAX_MESSAGE_LENGTH): MessagePart[] {
  if (text.length <= limit) return [{ text, format }];
  if (format === 'plain') return splitPlain(text, limit).map((t) => ({ text: t, format: 'plain' }));
  return splitHtml(text, limit);
}

/** Lines with their line break kept, so that joining them gives the text back. */
function linesOf(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function trimBreaks(text: string): string {
  return text.replace(/\n+$/, '');
}

export function splitPlain(text: string, limit = MAX_MESSAGE_LENGTH): string[] {
  const out: string[] = [];
  const emit = (t: string): void => {
    const part = trimBreaks(t);
    if (part.trim() !== '') out.push(part);
  };
  let current = '';
  for (const line of linesOf(text)) {
    if (current.length + line.length <= limit) {
      current += line;
      continue;
    }
    emit(current);
    current = '';
    const pieces = line.length <= limit ? [line] : hardSplit(line, limit);
    for (const piece of pieces.slice(0, -1)) emit(piece);
    current = pieces.at(-1) ?? '';
  }
  emit(current);
  return out;
}

/** Cuts a line into pieces of at most `limit`, at a space near the end when there is one, never inside a surrogate pair. */
function hardSplit(line: string, limit: number): string[] {
  const out: string[] = [];
  let rest = line;
  while (rest.length > limit) {
    let cut = limit;
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut--;
    const space = rest.lastIndexOf(' ', cut - 1);
    if (space >= cut - WORD_WINDOW && space > 0) cut = space + 1;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  out.push(rest);
  return out;
}

interface Tag {
  raw: string;
  name: string;
  closing: boolean;
}

interface Line {
  raw: string;
  tags: Tag[];
}

/** Lines of HTML: a line ends after a line break in text, never inside a tag. */
function htmlLines(markup: string): Line[] {
  const lines: Line[] = [];
  let current: Line = { raw: '', tags: [] };
  const addText = (text: string): void => {
    for (const piece of linesOf(text)) {
      current.raw += piece;
      if (piece.endsWith('\n')) {
        lines.push(current);
        current = { raw: '', tags: [] };
      }
    }
  };
  let at = 0;
  for (const m of markup.matchAll(TAG)) {
    addText(markup.slice(at, m.index));
    const raw = m[0];
    const name = (/^<\/?([a-zA-Z][a-zA-Z0-9-]*)/.exec(raw)?.[1] ?? '').toLowerCase();
    const tag = { raw, name, closing: raw.startsWith('</') };
    current.raw += raw;
    current.tags.push(tag);
    at = m.index + raw.length;
  }
  addText(markup.slice(at));
  if (current.raw !== '') lines.push(current);
  return lines;
}

function applyTags(stack: readonly Tag[], tags: readonly Tag[]): Tag[] {
  const next = [...stack];
  for (const tag of tags) {
    if (!tag.closing) next.push(tag);
    else {
      const open = next.map((t) => t.name).lastIndexOf(tag.name);
      if (open >= 0) next.splice(open);
    }
  }
  return next;
}

const openers = (stack: readonly Tag[]): string => stack.map((t) => t.raw).join('');
const closers = (stack: readonly Tag[]): string =>
  stack
    .map((t) => `</${t.name}>`)
    .reverse()
    .join('');

function splitHtml(markup: string, limit: number): MessagePart[] {
  const out: MessagePart[] = [];
  const emitHtml = (text: string): void => {
    if (htmlToPlain(text).trim() !== '') out.push({ text, format: 'html' });
  };
  let stack: Tag[] = [];
  let chunk = '';
  let hasContent = false;
  for (const line of htmlLines(markup)) {
    const after = applyTags(stack, line.tags);
    const fits = (): boolean => chunk.length + line.raw.length + closers(after).length <= limit;
    if (hasContent && !fits()) {
      emitHtml(trimBreaks(chunk) + closers(stack));
      chunk = openers(stack);
      hasContent = false;
    }
    if (fits()) {
      chunk += line.raw;
      hasContent = true;
    } else {
      // Even alone this line is too long for one message: its text goes as plain text.
      for (const piece of splitPlain(htmlToPlain(line.raw), limit)) out.push({ text: piece, format: 'plain' });
      chunk = openers(after);
      hasContent = false;
    }
    stack = after;
  }
  if (hasContent) emitHtml(trimBreaks(chunk) + closers(stack));
  return out;
}
