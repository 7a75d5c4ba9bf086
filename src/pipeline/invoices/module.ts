// The invoice pipeline as a module: works the invoice.process queue in whatever process runs it.
import type { Config } from '../../core/config.ts';
import { parseSize } from '../../core/config.ts';
import type { Module, ModuleStatus } from '../../core/module.ts';
import type { Queue } from '../../core/queue/index.ts';
import type { Store } from '../../core/store/index.ts';
import { IntakeRecords } from '../intake/index.ts';
import { INVOICE_QUEUE, processHandler } from './process-job.ts';
import { InvoiceRecords } from './records.ts';
import { InboxSource } from '../sources/index.ts';
import type { BatchReport } from '../sources/index.ts';
import type { Logger } from '../../core/log.ts';

export class InvoicesModule implements Module {
  readonly name = 'invoices';
  readonly records: InvoiceRecords;
  readonly #config: Config;
  readonly #store: Store;
  readonly #queue: Queue;
  readonly #log: Logger;
  #inbox: InboxSource | null = null;
  #state: ModuleStatus = { state: 'starting' };

  constructor(config: Config, store: Store, queue: Queue, log: Logger) {
    this.#config = config;
    this.#store = store;
    this.#queue = queue;
    this.#log = log;
    this.records = new InvoiceRecords(store);
  }

  async start(): Promise<void> {
    const deps = { dataDir: this.#config.paths.data, maxBytes: parseSize(this.#config.intake.max_bytes.document), files: new IntakeRecords(this.#store), invoices: this.records };
    this.#queue.work(INVOICE_QUEUE, processHandler(deps), { concurrency: 4 });
    if (this.#config.invoices.inbox) {
      this.#inbox = new InboxSource({ config: this.#config, intake: deps.files, queue: this.#queue, log: this.#log }, this.#config.invoices.inbox);
      await this.#inbox.start();
    }
    this.#state = { state: 'running', detail: 'CFDI XML, PDF text (heuristic); photos and CSV go to review' };
  }

  async stop(): Promise<void> {
    await this.#inbox?.stop();
    this.#state = { state: 'stopped' };
  }

  /** Where each file of a batch stands, for GET /batches/:id and the compatibility route. */
  async batchReport(batchId: string): Promise<BatchReport | null> {
    const files = new IntakeRecords(this.#store);
    const batch = await files.batch(batchId);
    if (!batch) return null;
    const rows = await files.batchFiles(batchId);
    const report: BatchReport = { batch_id: batchId, total: rows.length, completed: 0, failed: 0, review: 0, duplicates: 0, pending: 0, progress_percentage: 0, is_complete: false, files: [] };
    for (const f of rows) {
      const invoice = f.state === 'stored' ? await this.records.forFile(f.id) : undefined;
      let status: 'completed' | 'failed' | 'review' | 'duplicate' | 'pending';
      if (f.state === 'duplicate') status = 'duplicate';
      else if (f.state === 'failed' || f.state === 'rejected' || (f.error && !invoice)) status = 'failed';
      else if (!invoice) status = 'pending';
      else status = invoice.status === 'review' ? 'review' : 'completed';
      report[status === 'duplicate' ? 'duplicates' : status]++;
      report.files.push({ file_id: f.id, name: f.file_name, status, reason: f.error, invoice_id: invoice?.id ?? null });
    }
    const done = report.total - report.pending;
    report.progress_percentage = report.total ? Math.round((done / report.total) * 1000) / 10 : 100;
    report.is_complete = report.pending === 0;
    return report;
  }

  status(): ModuleStatus {
    return this.#state;
  }
}
