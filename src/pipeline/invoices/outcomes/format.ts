// Batch progress as lines for people (the /batch command), in the reader's language from the locale files: done of
// total, pace, time left, what the invoices became and what they cost, and the files or rows to look at.
import { readStored, renderAll } from '../../../core/messages.ts';
import type { Say } from '../../../core/messages.ts';
import { formatSeconds } from '../../../core/format.ts';
import { formatCost, tokenCost } from './cost.ts';
import type { Prices } from './cost.ts';
import type { BatchProgress, FileProgress } from './progress.ts';

/** How many problem files /batch lists before "and N more": a Telegram message holds 4096 characters. */
const MAX_LISTED = 15;

/** "120 of 200 done (60%), 45/min, about 2m left" after the batch's id, source and state. */
function headLine(p: BatchProgress, say: Say): string {
  const percent = p.total ? Math.floor((p.done / p.total) * 100) : 100;
  let pace = '';
  let eta = '';
  if (p.done < p.total) {
    pace =
      p.ratePerMinute === null
        ? say('batch-report-no-pace')
        : say('batch-report-pace', { rate: formatRate(p.ratePerMinute) });
    if (p.etaSeconds !== null) eta = say('batch-report-eta', { left: formatSeconds(p.etaSeconds) });
  }
  const { id, source, state } = p.batch;
  return say('batch-report-head', {
    batch: id,
    source,
    state,
    done: String(p.done),
    total: String(p.total),
    percent: String(percent),
    pace,
    eta,
  });
}

function formatRate(perMinute: number): string {
  return perMinute >= 10 ? String(Math.round(perMinute)) : perMinute.toFixed(1);
}

function costLine(p: Pick<BatchProgress, 'tokens'>, prices: Prices, say: Say): string | null {
  if (p.tokens.input + p.tokens.output === 0) return null;
  const cost = tokenCost(p.tokens, prices);
  return say('batch-report-cost', {
    input: String(cost.input_tokens),
    output: String(cost.output_tokens),
    cost: formatCost(cost),
  });
}

/**
 * "• #12 lista.csv, row 4: review — the total is missing" for each file (or row) in review, duplicated or failed.
 * `words`: the outcome words' keys, `batch-outcome-` (/batch) or `outcome-` (the summary's, "to review").
 */
export function problemLines(
  files: readonly FileProgress[],
  say: Say,
  limit = MAX_LISTED,
  words = 'batch-outcome-',
): string[] {
  const lines: string[] = [];
  let more = 0;
  for (const f of files) {
    for (const i of f.items) {
      if (i.outcome === 'ok') continue;
      if (lines.length >= limit) {
        more++;
        continue;
      }
      const name = `#${f.file.id}${f.file.file_name ? ` ${f.file.file_name}` : ''}`;
      const where = i.item === 0 ? name : say('problem-where-row', { file: name, row: String(i.item) });
      const outcome = say(`${words}${i.outcome}`);
      // A reason kept as a message is read in the reader's language; an older one as it was written.
      lines.push(
        i.reason
          ? say('problem-item', { where, outcome, reason: clip(renderAll(readStored(i.reason), say)) })
          : say('problem-item-plain', { where, outcome }),
      );
    }
  }
  if (more > 0) lines.push(say('problem-more', { count: String(more) }));
  return lines;
}

function clip(text: string, max = 200): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The whole /batch answer, in the reader's language (`say`). */
export function formatBatch(p: BatchProgress, prices: Prices, say: Say): string {
  const c = p.counts;
  const files = {
    completed: String(c.completed),
    review: String(c.review),
    duplicate: String(c.duplicate),
    failed: String(c.failed),
    pending: String(c.pending),
  };
  const lines = [headLine(p, say), say('batch-report-files', files)];
  const o = p.outcomes;
  if (p.batch.purpose === 'invoice')
    lines.push(
      say('batch-report-invoices', {
        ok: String(o.ok),
        review: String(o.review),
        duplicate: String(o.duplicate),
        error: String(o.error),
      }),
    );
  const cost = costLine(p, prices, say);
  if (cost) lines.push(cost);
  return [...lines, ...problemLines(p.files, say)].join('\n');
}
