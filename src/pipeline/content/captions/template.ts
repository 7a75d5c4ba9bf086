// The creator's caption_template, the caption when Gemini cannot give one: {creator}, {date} (the day the post
// goes out, in the creator's zone and language: "28 de marzo de 2026") and {text} (what the creator wrote with the
// video). Plain text: the caller escapes it for Telegram HTML, so a '<' in a template or in the creator's words can
// never break the post. The one filler of the content pipeline.
import { formatLocalDate } from '../../../core/format.ts';
import type { CaptionCreator } from './types.ts';

export type TemplateCreator = Pick<CaptionCreator, 'name' | 'language' | 'timezone' | 'captionTemplate'>;

export function fillTemplate(creator: TemplateCreator, text: string, day: Date | number): string {
  const values: Record<string, string> = {
    creator: creator.name,
    date: formatLocalDate(Number(day), creator.timezone, creator.language),
    text: text.trim(),
  };
  return creator.captionTemplate
    .replace(/\{(creator|date|text)\}/g, (_, key: string) => values[key] ?? '')
    .replace(/[ \t]+\n/g, '\n')
    .trim();
}
