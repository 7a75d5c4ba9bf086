// A run's metrics in a few words, in the reader's language (the CLI's English, the admin's language in /sync).
import { formatSeconds } from '../../../core/format.ts';
import type { Say } from '../../../core/messages.ts';
import type { SyncMetrics } from './metrics.ts';

export function syncSummary(m: SyncMetrics, say: Say, wouldTake = 0): string {
  if (m.critical) return say('drive-sync-critical', { problem: m.critical });
  if (m.dry_run) return say('drive-sync-dry', { mode: m.mode, count: String(wouldTake) });
  return say('drive-sync-summary', {
    mode: m.mode,
    duration: formatSeconds(Math.round(m.duration_seconds)),
    downloaded: String(m.files_downloaded),
    ok: String(m.invoices_processed_ok_total),
    duplicate: String(m.invoices_duplicate_total),
    review: String(m.invoices_review_total),
    error: String(m.invoices_error_total),
    pending: String(m.invoices_pending_total),
    ignored: String(m.invoices_ignored_total),
    failed: String(m.download_errors + m.batch_errors),
    calls: String(m.drive_api_calls_total),
  });
}
