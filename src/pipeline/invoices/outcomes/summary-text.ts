// The invoice part of the Telegram batch summary, in the batch's language. The summary's first line is the
// intake's (files stored, repeated, failed: the `batch-summary` message); this adds what the invoices became,
// their cost and the files or rows to look at. It rides in that message's `problems` slot, so the words live
// here until the bot's locale files get keys of their own for them.
import { formatCost, tokenCost } from './cost.ts';
import type { Prices } from './cost.ts';
import { problemLines } from './format.ts';
import type { ProblemWords } from './format.ts';
import type { BatchProgress } from './progress.ts';

interface Words extends ProblemWords {
  invoices: string;
  cost: string;
  tokens: string;
}

const WORDS: Record<'es' | 'en', Words> = {
  es: {
    invoices: 'Facturas',
    cost: 'Costo',
    tokens: 'tokens',
    row: 'fila',
    outcome: { ok: 'correctas', review: 'para revisar', duplicate: 'repetidas', error: 'con error' },
  },
  en: {
    invoices: 'Invoices',
    cost: 'Cost',
    tokens: 'tokens',
    row: 'row',
    outcome: { ok: 'ok', review: 'to review', duplicate: 'duplicates', error: 'with errors' },
  },
};

/** Lines that start with a line break, to append to the summary. */
export function invoiceSummaryText(p: BatchProgress, language: string, prices: Prices): string {
  const w = WORDS[language === 'en' ? 'en' : 'es'];
  const o = p.outcomes;
  // "1 correcta", "2 correctas": a count of one takes the singular.
  const n = (count: number, word: string): string => `${count} ${count === 1 ? singular(word) : word}`;
  const lines = [`${w.invoices}: ${n(o.ok, w.outcome.ok)}, ${n(o.review, w.outcome.review)}, ${n(o.duplicate, w.outcome.duplicate)}, ${n(o.error, w.outcome.error)}.`];
  if (p.tokens.input + p.tokens.output > 0) {
    const cost = tokenCost(p.tokens, prices);
    lines.push(`${w.cost}: ${cost.input_tokens + cost.output_tokens} ${w.tokens} ≈ ${formatCost(cost)}`);
  }
  const one: ProblemWords = { row: w.row, outcome: { ok: 'ok', review: singular(w.outcome.review), duplicate: singular(w.outcome.duplicate), error: w.outcome.error } };
  lines.push(...problemLines(p.files, 10, one));
  return lines.map((l) => `\n${l}`).join('');
}

/** "repetidas" → "repetida", "duplicates" → "duplicate", "con error" stays: a line names one item. */
function singular(word: string): string {
  return word.replace(/s$/, '').replace(/^with error$/, 'with an error');
}
