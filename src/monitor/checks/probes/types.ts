// What a probe last measured, for /status ("loaded: 8116 rows, newest 2h ago") and for its verdict.

export interface ProbeSnapshot {
  name: string;
  stage: string;
  kind: string;
  /** What the count counts (lines, files, rows, value, or the probe's own `unit`); `time` for a timestamp. */
  unit: string;
  /** Lines, files, the SQL count or number; null for a timestamp, until measured, or when the measurement failed. */
  count: number | null;
  /** Newest file's time, the timestamp a sql_value returned, or when the count last changed; null: nothing seen. */
  newestAt: number | null;
  error: string | null;
  /** When it was last measured; 0 before the first run. */
  checkedAt: number;
  /** When it was first measured (kept across restarts): the age of a probe that has seen nothing new since. */
  since: number;
}
