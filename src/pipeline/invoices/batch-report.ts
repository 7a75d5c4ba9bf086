// A batch's progress as GET /batches/:id answers it: per-file statuses, invoice outcomes (a CSV per row), cost,
// pace and time left. Reasons in English, like the rest of the API.
import { inEnglish } from '../../locales/index.ts';
import { WHOLE_FILE, tokenCost } from './outcomes/index.ts';
import type { BatchProgress, Prices } from './outcomes/index.ts';
import type { BatchReport } from '../sources/index.ts';

export function batchReport(p: BatchProgress, prices: Prices): BatchReport {
  return {
    batch_id: p.batch.id,
    total: p.total,
    completed: p.counts.completed,
    failed: p.counts.failed,
    review: p.counts.review,
    duplicates: p.counts.duplicate,
    pending: p.counts.pending,
    progress_percentage: p.total ? Math.round((p.done / p.total) * 1000) / 10 : 100,
    is_complete: p.done === p.total,
    invoices: { ...p.outcomes },
    cost: tokenCost(p.tokens, prices),
    rate_per_minute: p.ratePerMinute === null ? null : Math.round(p.ratePerMinute * 10) / 10,
    eta_seconds: p.etaSeconds,
    files: p.files.map((f) => {
      const whole = f.items.find((i) => i.item === WHOLE_FILE);
      const rows = f.items.filter((i) => i.item !== WHOLE_FILE);
      return {
        file_id: f.file.id,
        name: f.file.file_name,
        status: f.status,
        reason: inEnglish(f.reason),
        invoice_id: whole?.recordId ?? null,
        ...(rows.length
          ? {
              rows: rows.map((r) => ({
                row: r.item,
                status: r.outcome,
                reason: inEnglish(r.reason),
                invoice_id: r.recordId,
              })),
            }
          : {}),
      };
    }),
  };
}
