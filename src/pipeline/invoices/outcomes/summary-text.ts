// The invoice part of the Telegram batch summary, in the batch's language (`say`, from the locale files). The
// summary's first line is the intake's (files stored, repeated, failed: the `batch-summary` message); this adds
// what the invoices became, their cost and the files or rows to look at, in that message's `problems` slot.
import type { Say } from '../../../core/messages.ts';
import { formatCost, tokenCost } from './cost.ts';
import type { Prices } from './cost.ts';
import { problemLines } from './format.ts';
import type { BatchProgress } from './progress.ts';

/** Lines that start with a line break, to append to the summary. */
export function invoiceSummaryText(p: BatchProgress, say: Say, prices: Prices): string {
  const o = p.outcomes;
  const counts = {
    ok: say('summary-ok', { count: o.ok }),
    review: say('summary-review', { count: o.review }),
    duplicate: say('summary-duplicate', { count: o.duplicate }),
    error: say('summary-error', { count: o.error }),
  };
  const lines = [say('summary-invoices', counts)];
  if (p.tokens.input + p.tokens.output > 0) {
    const cost = tokenCost(p.tokens, prices);
    lines.push(say('summary-cost', { tokens: String(cost.input_tokens + cost.output_tokens), cost: formatCost(cost) }));
  }
  lines.push(...problemLines(p.files, say, 10, 'outcome-'));
  return lines.map((l) => `\n${l}`).join('');
}
