// The invoice pipeline's tables, for the store set-up: a face of its own, light, so that opening the store loads
// neither OpenAI nor the PDF reader.
export { invoicesMigration } from './migration.ts';
export { invoiceReviewsMigration } from './review-migration.ts';
export { itemOutcomesMigration } from './outcomes/table.ts';
