// XML and CSV have no magic bytes: they are recognised as text of the right shape.

import { detectDelimiter, parseCsvRecords } from '../extract/csv.ts';

/** The bytes as text: strict UTF-8, else Latin-1; null for binary (NUL bytes or other control characters). */
export function decodeText(bytes: Uint8Array): string | null {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('latin1').decode(bytes);
  }
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  return /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text) ? null : text;
}

/** Starts (after a BOM and whitespace) with "<?xml" or an element, and is text. */
export function looksLikeXml(text: string): boolean {
  return /^\s*(?:<\?xml[\s?]|<[A-Za-z_!])/.test(text);
}

/** How many lines are looked at for a consistent separator. */
export const CSV_SAMPLE_LINES = 5;

/**
 * Text whose first records (up to CSV_SAMPLE_LINES, quotes respected) all have the same number of cells, at least
 * two, with "," ";" or tab as the separator. Returns what is wrong, or null. With `rows: false` only the header
 * and the quotes count: a row of another width is left to the reader as that row's error.
 */
export function csvProblem(text: string, options: { rows?: boolean } = {}): string | null {
  const sample = text
    .split(/\r?\n/)
    .slice(0, CSV_SAMPLE_LINES * 4)
    .join('\n');
  const delimiter = detectDelimiter(sample);
  let records;
  try {
    records = parseCsvRecords(sample, delimiter).slice(0, CSV_SAMPLE_LINES);
  } catch {
    return 'a quoted value is never closed';
  }
  if (records.length === 0) return 'it has no rows';
  const width = records[0]?.cells.length ?? 0;
  if (width < 2) return 'its first line has no "," or ";" separating columns';
  if (options.rows === false) return null;
  const uneven = records.find((r) => r.cells.length !== width);
  if (uneven !== undefined) {
    return `line ${uneven.line} has ${uneven.cells.length} columns but the header has ${width}`;
  }
  return null;
}
