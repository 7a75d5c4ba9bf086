// What Gemini is asked: the system instruction carries the creator's voice and the rules, the user turn the video,
// what the creator wrote and the captions the admins approved (so the voice follows their corrections).
import { CAPTION_LIMIT } from './checks.ts';
import type { CaptionInput } from './types.ts';

/** How many approved captions go into a prompt, and how much of each. */
export const APPROVED_IN_PROMPT = 5;
const APPROVED_CHARS = 600;

const LANGUAGES: Readonly<Record<string, string>> = { es: 'Spanish', en: 'English' };

export function systemInstruction(input: CaptionInput): string {
  const c = input.creator;
  const lines = [
    `You write the caption of a short video that ${c.name} publishes on their Telegram channel, in their own voice.`,
    `Who they are and how they write: ${c.persona.trim() || '(not described)'}`,
    `Write in ${LANGUAGES[c.language] ?? c.language}.`,
    `Plain text only: no HTML, no Markdown. The caption and the hashtags together stay under ${CAPTION_LIMIT} characters; shorter is better.`,
    'Put hashtags only in "hashtags" (a few, without spaces), not in "caption".',
  ];
  if (c.bannedWords.length > 0) lines.push(`Never use these words: ${c.bannedWords.join(', ')}.`);
  lines.push("Describe only what the video and the creator's words show; invent no facts, prices or dates.");
  return lines.join('\n');
}

export function userText(input: CaptionInput): string {
  const parts = [
    input.text.trim() === ''
      ? 'The creator wrote nothing with this video.'
      : `What the creator wrote with this video:\n${input.text.trim()}`,
  ];
  const approved = input.approved.slice(0, APPROVED_IN_PROMPT).map((a) => a.slice(0, APPROVED_CHARS));
  if (approved.length > 0)
    parts.push(
      `Captions the admins approved for this creator recently, newest first — follow their voice and corrections:\n${approved.map((a) => `- ${a.replace(/\n+/g, ' ')}`).join('\n')}`,
    );
  parts.push('Write the caption for this video.');
  return parts.join('\n\n');
}

export function shortenText(caption: string, hashtags: readonly string[], length: number): string {
  return [
    `This caption and its hashtags are ${length} characters; they must be at most ${CAPTION_LIMIT - 24} together.`,
    'Shorten the caption in the same voice and language, keeping its meaning; keep at most 5 hashtags.',
    JSON.stringify({ caption, hashtags }),
  ].join('\n\n');
}

export function avoidText(caption: string, hashtags: readonly string[], words: readonly string[]): string {
  return [
    `This caption uses words that must never appear: ${words.join(', ')}.`,
    'Rewrite it without them, in the same voice and language, keeping its meaning.',
    JSON.stringify({ caption, hashtags }),
  ].join('\n\n');
}
