// The creator's caption_template, the caption when Gemini cannot give one: {creator}, {date} (the day the video
// arrived, in the creator's zone and language), {text} (what the creator wrote with it).
import type { CaptionCreator } from './types.ts';

export function fillTemplate(creator: CaptionCreator, text: string, receivedAt: Date): string {
  let date: string;
  try {
    date = new Intl.DateTimeFormat(creator.language, { dateStyle: 'long', timeZone: creator.timezone }).format(
      receivedAt,
    );
  } catch {
    date = receivedAt.toISOString().slice(0, 10);
  }
  const values: Record<string, string> = { creator: creator.name, date, text: text.trim() };
  return creator.captionTemplate
    .replace(/\{(creator|date|text)\}/g, (_, key: string) => values[key] ?? '')
    .replace(/[ \t]+\n/g, '\n')
    .trim();
}
