// The invoice pipeline's queue: a stored invoice file becomes one `invoice.process` job, keyed by the file
// (one per file; progress and retries find the job by its payload).
import { defineQueue } from '../../core/queue/index.ts';
import { fileJobPayload } from '../intake/index.ts';

export const INVOICE_QUEUE = defineQueue({
  name: 'invoice.process',
  payload: fileJobPayload,
  key: (p) => `invoice.process:${p.fileId}`,
});
