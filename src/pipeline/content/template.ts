// The creator's caption template, the caption used when no model writes one: {creator}, {date} and {text} are
// filled in. The template is plain text: the result is HTML-escaped whole (captions are sent as Telegram HTML), so
// a '<' in a template or in what the creator wrote can never break the post.
import { escapeHtml } from '../../outbox/index.ts';

export interface TemplateValues {
  creator: string;
  /** The day it goes out, in the creator's zone (YYYY-MM-DD). */
  date: string;
  /** What the creator wrote with the video. */
  text: string;
}

export function fillTemplate(template: string, values: TemplateValues): string {
  return escapeHtml(
    template.replace(/\{(creator|date|text)\}/g, (_m, key: keyof TemplateValues) => values[key]).trim(),
  );
}
