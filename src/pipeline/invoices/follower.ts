// The invoice pipeline as the intake's follower for invoice files: their stored files go to the invoice queue, and a
// batch of them is done when every invoice is (item outcomes), its summary saying what they became and cost.
import type { Store } from '../../core/store/index.ts';
import type { PipelineFollower } from '../intake/index.ts';
import { batchProgress, invoiceSummaryText } from './outcomes/index.ts';
import type { Prices } from './outcomes/index.ts';
import { INVOICE_QUEUE } from './queue.ts';

export function invoiceFollower(store: Store, prices: Prices): PipelineFollower {
  return {
    queue: INVOICE_QUEUE,
    async standing(batch, now) {
      const p = await batchProgress(store, batch, now);
      return { files: p.files.map((f) => f.file), done: p.done, summary: (say) => invoiceSummaryText(p, say, prices) };
    },
  };
}
