// Item outcomes: what each file (or CSV row) became, and the batch progress, ETA, cost and summaries read from them.
export { ITEM_OUTCOMES, WHOLE_FILE, itemOutcomesMigration } from './table.ts';
export type { ItemOutcome, ItemOutcomesTable, OutcomeRow, OutcomeTables } from './table.ts';
export { ItemOutcomes, outcomeValues } from './records.ts';
export type { NewOutcome, Tokens } from './records.ts';
export { formatCost, pricesFrom, tokenCost } from './cost.ts';
export type { Cost, Prices } from './cost.ts';
export { FILE_STATUSES, RATE_WINDOW, fileProgress, ratePerMinute, summariseBatch } from './progress.ts';
export type { BatchProgress, FileProgress, FileStatus, ItemView, PipelineJob } from './progress.ts';
export { batchesInProgress, loadBatchProgress } from './batch-progress.ts';
export { costLine, formatBatch, formatSeconds, outcomesLine, problemLines, progressLine } from './format.ts';
export { invoiceSummaryText } from './summary-text.ts';
