// Dates as written on Mexican invoices, to ISO calendar dates. Supported:
//   2024-05-12 (also with a time: 2024-05-12T10:00:00)   12/05/2024, 12-05-2024, 12.05.2024 (day first, as in
//   Mexico; never month first)   12 de mayo de 2024, 12 mayo 2024, 12/may/2024 (Spanish month names or
//   their three-letter abbreviations; English month names too, also month first: March 4, 2024).

const MONTHS: Record<string, number> = {
  enero: 1,
  febrero: 2,
  marzo: 3,
  abril: 4,
  mayo: 5,
  junio: 6,
  julio: 7,
  agosto: 8,
  septiembre: 9,
  setiembre: 9,
  octubre: 10,
  noviembre: 11,
  diciembre: 12,
  ene: 1,
  feb: 2,
  mar: 3,
  abr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  ago: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dic: 12,
  january: 1,
  february: 2,
  march: 3,
  april: 4,
  june: 6,
  july: 7,
  august: 8,
  september: 9,
  october: 10,
  november: 11,
  december: 12,
  jan: 1,
  apr: 4,
  aug: 8,
  dec: 12,
};

const MONTH_WORD = String.raw`[a-záéíóú]{3,10}\.?`;
export const DATE_IN_TEXT = new RegExp(
  [
    String.raw`\b(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2})?)?`,
    String.raw`\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b`,
    String.raw`\b(\d{1,2})(?:\s+de\s+|\s+|[/-])(${MONTH_WORD})(?:\s+de\s+|\s+|[/-]|,\s*)(\d{4})\b`,
    // English month first, in words only ("March 4, 2024", "Mar 4 2024"): words leave no doubt about the order.
    String.raw`\b(${MONTH_WORD})\s+(\d{1,2}),?\s+(\d{4})\b`,
  ].join('|'),
  'giu',
);

function iso(year: number, month: number, day: number): string | null {
  if (month < 1 || month > 12 || day < 1 || year < 1900 || year > 2999) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function fromMatch(m: RegExpMatchArray): string | null {
  if (m[1] !== undefined) return iso(Number(m[1]), Number(m[2]), Number(m[3]));
  if (m[4] !== undefined) return iso(Number(m[6]), Number(m[5]), Number(m[4]));
  if (m[10] !== undefined) {
    const first = MONTHS[m[10].toLowerCase().replace(/\.$/, '')];
    return first === undefined ? null : iso(Number(m[12]), first, Number(m[11]));
  }
  const month = MONTHS[(m[8] ?? '').toLowerCase().replace(/\.$/, '')];
  return month === undefined ? null : iso(Number(m[9]), month, Number(m[7]));
}

/**
 * Every real calendar date in a text, with where it starts, in order. `written` is the text as it stands;
 * `ambiguous` when it is all digits with day and month both 12 or less (03/04/2024 is 3 April here, 4 March in the US).
 */
export function datesIn(text: string): Array<{ index: number; date: string; written: string; ambiguous: boolean }> {
  const found: Array<{ index: number; date: string; written: string; ambiguous: boolean }> = [];
  for (const match of text.matchAll(new RegExp(DATE_IN_TEXT.source, DATE_IN_TEXT.flags))) {
    const date = fromMatch(match);
    const ambiguous =
      match[4] !== undefined && Number(match[4]) <= 12 && Number(match[5]) <= 12 && match[4] !== match[5];
    if (date !== null) found.push({ index: match.index, date, written: match[0], ambiguous });
  }
  return found;
}

/** A whole value that is one date ("12/05/2024", "2024-05-12T10:00:00") → "2024-05-12"; null otherwise. */
export function parseDateText(value: string): string | null {
  const trimmed = value.trim();
  const match = new RegExp(`^(?:${DATE_IN_TEXT.source})(?:[.,]\\d+)?(?:Z|[+-]\\d{2}:?\\d{2})?$`, 'iu').exec(trimmed);
  return match === null ? null : fromMatch(match);
}
