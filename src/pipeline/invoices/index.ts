export { invoicesMigration } from './migration.ts';
export { INVOICE_QUEUE, processHandler, fromCfdi } from './process-job.ts';
export { InvoiceRecords } from './records.ts';
export type { InvoiceRow, InvoiceStatus } from './records.ts';
export { parseCfdi, CfdiError } from './cfdi/index.ts';
export { InvoicesModule } from './module.ts';
