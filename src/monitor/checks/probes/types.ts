// What a probe last measured, for /status ("scraped 1200 → loaded 800 → vectorized 790") and for its verdict.

export interface ProbeSnapshot {
  name: string;
  stage: string;
  /** Lines, files or the SQL count; null until measured or when the measurement failed. */
  count: number | null;
  /** Newest file's time (files), or when the count last grew (sql_count); null when nothing was seen yet. */
  newestAt: number | null;
  error: string | null;
  /** When it was last measured; 0 before the first run. */
  checkedAt: number;
}
