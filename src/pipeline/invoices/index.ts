export { invoicesMigration } from './migration.ts';
export { INVOICE_QUEUE, QUOTA_WAIT_S, processHandler } from './process-job.ts';
export type { ProcessDeps } from './job-support.ts';
export { fromCfdi } from './from-cfdi.ts';
export { InvoiceRecords } from './records.ts';
export type { Added, InvoiceRow, InvoiceStatus, ItemOf } from './records.ts';
export { parseCfdi, CfdiError } from './cfdi/index.ts';
export { InvoicesModule } from './module.ts';
export { NO_TEXT_LAYER } from './from-pdf.ts';
