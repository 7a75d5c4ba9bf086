// Batch progress as lines for people (the /batch command and `centinela status`, in English like the rest of
// the admin output): done of total, pace, time left, what the invoices became and what they cost.
import { formatSeconds } from '../../../core/format.ts';
import { formatCost, tokenCost } from './cost.ts';
import type { Prices } from './cost.ts';
import type { BatchProgress, FileProgress } from './progress.ts';
import type { ItemOutcome } from './table.ts';

/** How many problem files /batch lists before "and N more": a Telegram message holds 4096 characters. */
const MAX_LISTED = 15;

/** "120 of 200 done (60%), 45/min, about 2m left" */
function progressLine(p: Pick<BatchProgress, 'total' | 'done' | 'ratePerMinute' | 'etaSeconds'>): string {
  const percent = p.total ? Math.floor((p.done / p.total) * 100) : 100;
  const parts = [`${p.done} of ${p.total} done (${percent}%)`];
  if (p.done < p.total) {
    parts.push(p.ratePerMinute === null ? 'no file finished yet' : `${formatRate(p.ratePerMinute)}/min`);
    if (p.etaSeconds !== null) parts.push(`about ${formatSeconds(p.etaSeconds)} left`);
  }
  return parts.join(', ');
}

function formatRate(perMinute: number): string {
  return perMinute >= 10 ? String(Math.round(perMinute)) : perMinute.toFixed(1);
}

function outcomesLine(p: Pick<BatchProgress, 'outcomes'>): string {
  const o = p.outcomes;
  return `invoices: ${o.ok} ok, ${o.review} to review, ${o.duplicate} duplicate, ${o.error} with errors`;
}

function costLine(p: Pick<BatchProgress, 'tokens'>, prices: Prices): string | null {
  if (p.tokens.input + p.tokens.output === 0) return null;
  const cost = tokenCost(p.tokens, prices);
  return `cost: ${cost.input_tokens} input + ${cost.output_tokens} output tokens ≈ ${formatCost(cost)}`;
}

export interface ProblemWords {
  row: string;
  outcome: Record<ItemOutcome, string>;
}

const ENGLISH: ProblemWords = { row: 'row', outcome: { ok: 'ok', review: 'review', duplicate: 'duplicate', error: 'error' } };

/** "• #12 lista.csv, row 4: review — the total is missing" for each file (or row) in review, duplicated or failed. */
export function problemLines(files: readonly FileProgress[], limit = MAX_LISTED, words: ProblemWords = ENGLISH): string[] {
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
      const where = i.item === 0 ? name : `${name}, ${words.row} ${i.item}`;
      lines.push(`• ${where}: ${words.outcome[i.outcome]}${i.reason ? ` — ${clip(i.reason)}` : ''}`);
    }
  }
  if (more > 0) lines.push(`… +${more}`);
  return lines;
}

function clip(text: string, max = 200): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The whole /batch answer. */
export function formatBatch(p: BatchProgress, prices: Prices): string {
  const c = p.counts;
  const head = `${p.batch.id} (${p.batch.source}, ${p.batch.state}): ${progressLine(p)}`;
  const files = `files: ${c.completed} ok, ${c.review} to review, ${c.duplicate} duplicate, ${c.failed} failed, ${c.pending} pending`;
  const lines = [head, files];
  if (p.batch.purpose === 'invoice') lines.push(outcomesLine(p));
  const cost = costLine(p, prices);
  if (cost) lines.push(cost);
  return [...lines, ...problemLines(p.files)].join('\n');
}
