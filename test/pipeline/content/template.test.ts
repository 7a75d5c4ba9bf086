// The one template filler: {date} is the post's day in the creator's zone and language (not the UTC day), {text}
// what the creator wrote; plain text (the caller escapes it).
import { describe, expect, it } from 'vitest';
import { fillTemplate } from '../../../src/pipeline/content/index.ts';

const victor = {
  name: 'victor',
  language: 'es',
  timezone: 'America/Mexico_City',
  captionTemplate: '{creator} · {date}: {text}',
};
// 02:30 UTC on 29 March is still the evening of the 28th in Mexico City.
const LATE = Date.parse('2026-03-29T02:30:00Z');

describe('fillTemplate', () => {
  it("writes the day in the creator's zone and language", () => {
    expect(fillTemplate(victor, ' pan <3 ', LATE)).toBe('victor · 28 de marzo de 2026: pan <3');
    expect(fillTemplate({ ...victor, language: 'en' }, '', new Date(LATE))).toBe('victor · March 28, 2026:');
    expect(fillTemplate({ ...victor, timezone: 'Europe/Madrid' }, 'x', LATE)).toBe('victor · 29 de marzo de 2026: x');
  });

  it('leaves other braces alone and drops spaces before a line break', () => {
    expect(fillTemplate({ ...victor, captionTemplate: '{text} \n{unknown}' }, '', LATE)).toBe('{unknown}');
  });
});
