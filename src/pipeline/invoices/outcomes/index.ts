// Item outcomes: what each file (or CSV row) became, and the batch progress, ETA, cost and summaries read from them.
export { WHOLE_FILE, itemOutcomesMigration } from './table.ts';
export type { ItemOutcome, OutcomeRow, OutcomeTables } from './table.ts';
export { OutcomeRecords, outcomeValues } from './records.ts';
export type { Tokens } from './records.ts';
export { defaultPrices, formatCost, pricesFrom, tokenCost } from './cost.ts';
export type { Cost, Prices } from './cost.ts';
export { fileProgress, ratePerMinute, summariseBatch } from './progress.ts';
export type { BatchProgress, FileProgress } from './progress.ts';
export { batchProgress, batchesInProgress, loadBatchProgress } from './batch-progress.ts';
export { formatBatch } from './format.ts';
export { invoiceSummaryText } from './summary-text.ts';
