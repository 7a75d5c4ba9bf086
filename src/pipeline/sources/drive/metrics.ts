// What a sync run measured, printed as JSON by `centinela sync` and kept as the last run for status.

export interface SyncMetrics {
  mode: 'changes' | 'modified_time';
  dry_run: boolean;
  start_time: string;
  end_time: string;
  duration_seconds: number;
  drive_items_listed_total: number;
  drive_pages_fetched_total: number;
  drive_api_calls_total: number;
  files_downloaded: number;
  download_errors: number;
  batch_errors: number;
  invoices_processed_ok_total: number;
  invoices_duplicate_total: number;
  invoices_review_total: number;
  invoices_ignored_total: number;
  invoices_error_total: number;
  /** Taken files whose invoice job had not finished when the run ended. */
  invoices_pending_total: number;
  last_sync_time_before: string | null;
  last_sync_time_after: string | null;
  max_modified_time_processed: string | null;
  /** changes mode: the page token of each corpus (`user`, or a shared drive's id) before and after. */
  page_token_before: Record<string, string> | null;
  page_token_after: Record<string, string> | null;
  /** A reconcile listing that finished in this run: files it found that changes had not brought (should be 0). */
  reconcile_missed_files: number | null;
  /** Whether the listing of the tree (first run or reconcile) is still going on (max_pages_per_run reached). */
  listing_incomplete: boolean;
  /** Files that failed, with Drive's reason (at most 20). */
  errors: Array<{ file_id: string; name: string; reason: string }>;
  /** The critical problem that stopped the run, if any. */
  critical: string | null;
}

export function newMetrics(mode: SyncMetrics['mode'], dryRun: boolean, start: number): SyncMetrics {
  return {
    mode,
    dry_run: dryRun,
    start_time: new Date(start).toISOString(),
    end_time: new Date(start).toISOString(),
    duration_seconds: 0,
    drive_items_listed_total: 0,
    drive_pages_fetched_total: 0,
    drive_api_calls_total: 0,
    files_downloaded: 0,
    download_errors: 0,
    batch_errors: 0,
    invoices_processed_ok_total: 0,
    invoices_duplicate_total: 0,
    invoices_review_total: 0,
    invoices_ignored_total: 0,
    invoices_error_total: 0,
    invoices_pending_total: 0,
    last_sync_time_before: null,
    last_sync_time_after: null,
    max_modified_time_processed: null,
    page_token_before: null,
    page_token_after: null,
    reconcile_missed_files: null,
    listing_incomplete: false,
    errors: [],
    critical: null,
  };
}

/** 0 all went well, 2 some files failed, 1 a critical error. */
export function exitCodeOf(m: SyncMetrics): 0 | 1 | 2 {
  if (m.critical) return 1;
  return m.download_errors + m.batch_errors > 0 ? 2 : 0;
}

/** Invoice outcomes of the files a run took, as the invoice pipeline reports them (asked through a port). */
export interface OutcomeCounts {
  ok: number;
  duplicate: number;
  review: number;
  error: number;
  pending: number;
}
