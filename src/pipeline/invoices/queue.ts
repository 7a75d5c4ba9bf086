// The invoice pipeline's queue: a stored invoice file becomes one `invoice.process` job, keyed by the file.
export const INVOICE_QUEUE = 'invoice.process';

/** The unique key of a file's invoice job: one per file; progress and retries find the job by it. */
export function invoiceJobKey(fileId: number): string {
  return `${INVOICE_QUEUE}:${fileId}`;
}
