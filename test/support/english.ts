// Reasons are kept as messages ({key, vars}) and read in each reader's language; tests that check their words read
// them in English, as an English admin sees them.
import { readStored, render, renderAll } from '../../src/core/messages.ts';
import type { StoredText } from '../../src/core/messages.ts';
import { english } from '../../src/locales/index.ts';

/** A list of messages (problems, review notes) in English. */
export const englishList = (texts: readonly StoredText[]): string[] => texts.map((t) => render(t, english));

/** A stored reason (an outcome's, a file's) in English; null stays null. */
export const englishReason = (stored: string | null | undefined): string | null | undefined =>
  stored === null || stored === undefined ? stored : renderAll(readStored(stored), english);

/** An invoice row's `problems` column (a JSON array) in English. */
export const englishProblems = (stored: string): string[] => englishList(readStored(stored));

/** The same object with its `problems` and `review` lists in English. */
export function withEnglish<T extends { problems: StoredText[]; review?: StoredText[] }>(
  r: T,
): Omit<T, 'problems' | 'review'> & { problems: string[]; review?: string[] } {
  return { ...r, problems: englishList(r.problems), ...(r.review ? { review: englishList(r.review) } : {}) };
}

/** Outcome rows with their reasons in English. */
export const englishOutcomes = <T extends { reason: string | null }>(rows: T[]): T[] =>
  rows.map((o) => ({ ...o, reason: englishReason(o.reason) ?? null }));
